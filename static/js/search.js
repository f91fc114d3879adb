/* Header search: arrow keys move through the suggestions htmx loads into
   #search-suggestions (a listbox), Enter opens the chosen one, Escape closes.
   Without a chosen suggestion Enter submits the form: the full results page. */
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn);
  }
  ready(function () {
    var input = document.getElementById("site-search");
    var box = document.getElementById("search-suggestions");
    if (!input || !box) return;
    var active = -1;

    function options() { return Array.prototype.slice.call(box.querySelectorAll('[role="option"]')); }
    function setActive(index) {
      var items = options();
      items.forEach(function (el, i) {
        el.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index >= 0 && items[index]) {
        input.setAttribute("aria-activedescendant", items[index].id);
        items[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }
    function close() {
      box.innerHTML = "";
      input.setAttribute("aria-expanded", "false");
      setActive(-1);
    }

    box.addEventListener("htmx:afterSwap", function () {
      input.setAttribute("aria-expanded", options().length ? "true" : "false");
      setActive(-1);
    });
    input.addEventListener("keydown", function (event) {
      var items = options();
      if (event.key === "ArrowDown" && items.length) {
        event.preventDefault();
        setActive(active + 1 >= items.length ? 0 : active + 1);
      } else if (event.key === "ArrowUp" && items.length) {
        event.preventDefault();
        setActive(active <= 0 ? items.length - 1 : active - 1);
      } else if (event.key === "Enter" && active >= 0 && items[active]) {
        event.preventDefault();
        var link = items[active].querySelector("a");
        if (link) window.location.assign(link.href);
      } else if (event.key === "Escape") {
        close();
      }
    });
    document.addEventListener("click", function (event) {
      if (!input.form.contains(event.target)) close();
    });
  });
})();

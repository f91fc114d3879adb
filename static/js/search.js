/* Header search: arrow keys move through the suggestions htmx loads into
   #search-suggestions (a listbox), Enter opens the chosen one, Escape closes the list and keeps
   the text (an answer still on its way stays closed until the shopper types again), and so does
   leaving the box. Without a chosen suggestion Enter submits the form: the full results page. */
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
    var dismissed = false; // Escape pressed since the last keystroke that changed the text

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

    input.addEventListener("input", function () { dismissed = false; });
    box.addEventListener("htmx:beforeSwap", function (event) {
      if (dismissed) event.detail.shouldSwap = false;
    });
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
        var link = items[active].closest("a") || items[active].querySelector("a");
        if (link) window.location.assign(link.href);
      } else if (event.key === "Escape" && (items.length || box.textContent.trim())) {
        event.preventDefault(); // the browser would also empty the search box
        dismissed = true;
        close();
      }
    });
    input.addEventListener("blur", function (event) {
      if (!event.relatedTarget || !box.contains(event.relatedTarget)) close();
    });
    document.addEventListener("click", function (event) {
      if (!input.form.contains(event.target)) close();
    });
  });
})();

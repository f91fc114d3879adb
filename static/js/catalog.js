/* The catalog's enhancements; without JavaScript each one is a plain link that already works.
   - "Filter and sort" on phones (includes/results.html): the filters open as a modal drawer;
     Tab stays inside it, Escape, "Close" and the backdrop close it and focus returns to the button.
     It stays open while htmx swaps #results after each change; "Apply" closes it.
   - The product page's gallery (storefront/product.html): a thumbnail shows its picture in place
     of the large photo and is marked aria-current; without JavaScript it opens ?image=. */
(function () {
  "use strict";
  var FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), ' +
    'select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';
  var phone = window.matchMedia("(max-width: 63.99rem)"); // Tailwind's max-lg
  var drawerOpen = false;
  var focusedId = "";

  function drawer() { return document.getElementById("filters"); }
  function focusables(root) {
    return Array.prototype.filter.call(root.querySelectorAll(FOCUSABLE), function (el) {
      return el.offsetParent !== null || el === document.activeElement;
    });
  }
  function backdrop() {
    var el = document.getElementById("filters-backdrop");
    if (!el) {
      el = document.createElement("div");
      el.id = "filters-backdrop";
      el.className = "drawer-backdrop";
      el.hidden = true;
      el.addEventListener("click", function () { closeDrawer(true); });
      document.body.appendChild(el);
    }
    return el;
  }
  function markOpen(el) {
    el.setAttribute("data-open", "");
    el.setAttribute("role", "dialog");
    el.setAttribute("aria-modal", "true");
    el.setAttribute("aria-labelledby", "filters-heading");
  }
  function openDrawer() {
    var el = drawer();
    if (!el) return;
    drawerOpen = true;
    markOpen(el);
    backdrop().hidden = false;
    document.documentElement.style.overflow = "hidden";
    var first = focusables(el)[0];
    if (first) first.focus();
  }
  function closeDrawer(restoreFocus) {
    var el = drawer();
    drawerOpen = false;
    if (el) {
      el.removeAttribute("data-open");
      el.removeAttribute("role");
      el.removeAttribute("aria-modal");
      el.removeAttribute("aria-labelledby");
    }
    backdrop().hidden = true;
    document.documentElement.style.overflow = "";
    if (restoreFocus) {
      var opener = document.getElementById("filters-open");
      if (opener) opener.focus();
    }
  }

  function showPicture(thumb) {
    var photo = document.querySelector("#product-photo img");
    var img = thumb.querySelector("img");
    if (!photo || !img) return false;
    photo.src = thumb.getAttribute("data-src");
    photo.srcset = thumb.getAttribute("data-srcset") || "";
    photo.alt = img.alt;
    photo.setAttribute("data-image-id", thumb.getAttribute("data-gallery-thumb"));
    markCurrent(thumb.getAttribute("data-gallery-thumb"));
    return true;
  }
  function markCurrent(id) {
    document.querySelectorAll("[data-gallery-thumb]").forEach(function (el) {
      if (el.getAttribute("data-gallery-thumb") === id) el.setAttribute("aria-current", "true");
      else el.removeAttribute("aria-current");
    });
  }

  document.addEventListener("click", function (event) {
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    var target = event.target.closest("[data-drawer-open], [data-drawer-close], [data-gallery-thumb]");
    if (!target) return;
    if (target.hasAttribute("data-drawer-open") && phone.matches) {
      event.preventDefault();
      openDrawer();
    } else if (target.hasAttribute("data-drawer-close") && drawerOpen) {
      event.preventDefault();
      closeDrawer(true);
    } else if (target.hasAttribute("data-gallery-thumb") && showPicture(target)) {
      event.preventDefault();
    }
  });
  document.addEventListener("keydown", function (event) {
    if (!drawerOpen) return;
    var el = drawer();
    if (event.key === "Escape") {
      event.preventDefault();
      closeDrawer(true);
    } else if (event.key === "Tab" && el) {
      var items = focusables(el);
      if (!items.length) return;
      var first = items[0], last = items[items.length - 1];
      if (event.shiftKey && (document.activeElement === first || !el.contains(document.activeElement))) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && (document.activeElement === last || !el.contains(document.activeElement))) {
        event.preventDefault();
        first.focus();
      }
    }
  });
  document.addEventListener("submit", function (event) {
    if (drawerOpen && drawer() && drawer().contains(event.target)) closeDrawer(false); // htmx shows the results; focus follows below
  }, true);
  phone.addEventListener("change", function () { if (drawerOpen) closeDrawer(false); });

  // htmx replaces #results (the drawer with it) after each change and #product-photo after a variant change.
  document.addEventListener("htmx:beforeSwap", function () {
    focusedId = document.activeElement ? document.activeElement.id : "";
  });
  document.addEventListener("htmx:afterSwap", function () {
    var el = drawer();
    if (el && drawerOpen) {
      markOpen(el);
      if (!el.contains(document.activeElement)) {
        var again = focusedId && document.getElementById(focusedId);
        (again && el.contains(again) ? again : focusables(el)[0] || el).focus();
      }
    } else if (focusedId === "" || !document.getElementById(focusedId)) {
      var opener = document.getElementById("filters-open");
      if (opener && phone.matches && document.activeElement === document.body) opener.focus();
    }
    var photo = document.querySelector("#product-photo img");
    if (photo) markCurrent(photo.getAttribute("data-image-id"));
  });
})();

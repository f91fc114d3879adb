/* What htmx swaps need around them; every page works without this file.
   - Busy: while a request runs the region it will replace carries aria-busy (the spinner and the
     disabled button come from htmx's .htmx-request class and hx-disabled-elt: styles.css "Busy").
   - Focus: after a swap, focus stays where the shopper was (the same element, or the new one with
     its id), else, when that went away (a cart line removed), moves to the next line, else to the
     first of the form's [data-focus-after] selectors that exists.
   - The cart notification (includes/cart_notification.html): focus moves into it; Escape or its
     button closes it and gives focus back to the button that added.
   - An error summary's links put focus in the field they name. */
(function () {
  "use strict";
  var before = new WeakMap(); // the element making a request -> where focus was, and the cart line's neighbour
  var opener = null; // the control that opened the cart notification

  function focusable(el) {
    return el && el.isConnected && !el.disabled && el.offsetParent !== null;
  }
  function focusFirst(selectors) {
    var list = (selectors || "").split(",");
    for (var i = 0; i < list.length; i++) {
      var el = list[i].trim() && document.querySelector(list[i].trim());
      if (focusable(el)) { el.focus(); return true; }
    }
    return false;
  }
  // The control after `el` in Tab order: where Tab was going when a change (on leaving a field) started a swap.
  function nextTabbable(el) {
    var all = Array.prototype.filter.call(document.querySelectorAll(
      'a[href], button, input:not([type="hidden"]), select, textarea, [tabindex]:not([tabindex="-1"])'), focusable);
    return all[all.indexOf(el) + 1] || null;
  }
  function notificationPanel() {
    return document.querySelector("#cart-notification [data-cart-notification]");
  }
  function closeNotification() {
    var host = document.getElementById("cart-notification");
    if (!host || !host.firstElementChild) return;
    var hadFocus = host.contains(document.activeElement) || document.activeElement === document.body;
    host.innerHTML = "";
    if (hadFocus && focusable(opener)) opener.focus();
    opener = null;
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt, target = event.detail.target;
    if (target && target.setAttribute) target.setAttribute("aria-busy", "true");
    var line = elt.closest && elt.closest("[data-cart-line]");
    var neighbour = line && (line.nextElementSibling || line.previousElementSibling);
    var focused = document.activeElement, trigger = event.detail.requestConfig && event.detail.requestConfig.triggeringEvent;
    // Tab out of a changed field: the browser blurs it, the change starts this request, and the
    // button Tab was heading for is being disabled, so focus is nowhere: remember the field, and go past it.
    var leftField = (!focused || focused === document.body) && trigger && trigger.type === "change" ? trigger.target : null;
    before.set(elt, { focused: leftField || focused, advance: !!leftField, neighbour: neighbour ? neighbour.id : "" });
  });

  // After the swap (htmx swaps, then re-enables what hx-disabled-elt disabled, then fires this).
  document.addEventListener("htmx:afterRequest", function (event) {
    // When the swap took the element away, htmx tells its nearest parent left instead: the
    // element that asked is still in requestConfig.
    var config = event.detail.requestConfig;
    var elt = (config && config.elt) || event.detail.elt, target = event.detail.target;
    if (target && target.removeAttribute) target.removeAttribute("aria-busy");
    var was = before.get(elt) || {};
    before.delete(elt);
    var panel = notificationPanel();
    if (panel && !panel.hasAttribute("data-shown")) {
      panel.setAttribute("data-shown", "");
      // Just under the header when it is in view (the cart button stays reachable), else at the top.
      var header = document.querySelector("body > header");
      var bottom = header ? header.getBoundingClientRect().bottom : 0;
      document.getElementById("cart-notification").style.top = Math.max(8, bottom + 8) + "px";
      opener = focusable(was.focused) ? was.focused : null;
      panel.focus();
      return;
    }
    var active = document.activeElement;
    if (active && active !== document.body) return; // focus is somewhere the shopper can see: leave it
    var focused = was.focused;
    if (focusable(focused) && focused !== document.body) {
      ((was.advance && nextTabbable(focused)) || focused).focus();
      return;
    }
    var again = focused && focused.id && document.getElementById(focused.id);
    if (focusable(again)) {
      ((was.advance && nextTabbable(again)) || again).focus();
      return;
    }
    if (!elt.isConnected || elt.closest("[data-cart-line]")) {
      if (was.neighbour && focusFirst("#" + was.neighbour + " [data-line-focus]")) return;
    }
    if (elt.getAttribute) focusFirst(elt.getAttribute("data-focus-after"));
  });

  document.addEventListener("click", function (event) {
    if (!event.target.closest) return;
    var host = document.getElementById("cart-notification");
    // Its button closes it, and so does a click anywhere else (focus stays where that click put it).
    if (event.target.closest("[data-close-notification]")) closeNotification();
    else if (host && host.firstElementChild && !host.contains(event.target)) host.innerHTML = "";
    // An error summary's link puts focus in its field (following a fragment alone may only scroll).
    var link = event.target.closest(".error-summary a[href^='#']");
    var field = link && document.getElementById(link.getAttribute("href").slice(1));
    if (field) {
      event.preventDefault();
      field.focus();
      field.scrollIntoView({ block: "center" });
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && notificationPanel()) closeNotification();
  });
})();

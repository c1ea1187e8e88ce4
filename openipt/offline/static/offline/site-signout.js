/* On staff pages only: a tablet that keeps groups for the offline app (the "oi-tablet-keeps" mark, set by
   offline/app.js) signs out through that app's own sign-out first, which names the changes not sent and then
   wipes the copy. It listens in the capture phase, so it runs before openipt.js's own sign-out check. */
(function () {
  "use strict";
  var TABLET = "oi-tablet-keeps";
  function keeps() {
    try { return !!window.localStorage.getItem(TABLET); } catch (e) { return false; }
  }
  function offlineSignOut(form) {
    if (window.OpenIPTOffline) { window.OpenIPTOffline.signOutFromSite(form); return; }
    var script = document.createElement("script");
    script.src = form.getAttribute("data-offline-script");
    script.onload = function () { window.OpenIPTOffline.signOutFromSite(form); };
    script.onerror = function () { window.alert(form.getAttribute("data-offline-unreachable") || ""); };
    document.head.appendChild(script);
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-sign-out") || !form.hasAttribute("data-offline-script")) { return; }
    if (form.hasAttribute("data-offline-done") || !keeps()) { return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    offlineSignOut(form);
  }, true);
})();

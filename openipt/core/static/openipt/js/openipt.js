/* OpenIPT progressive enhancement. Every page works without this file. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // Move focus to the error summary so keyboard and screen-reader users hear what went wrong.
    var summary = document.getElementById("form-errors");
    if (summary) { summary.focus(); }
  });
  // Signing out removes the drafts and offline copies this site keeps in the browser, so the next
  // person on a shared device cannot read them. Changes from a group session that could not be
  // sent yet are named first (in the words the page gives), and kept if the facilitator says so.
  var OWN = ["openipt-", "oi-answers-"];
  var QUEUE = "openipt-group-queue-";
  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }
  // Counted here, not through drafts.js: signing out is on every page, the queues' module is not.
  function waiting(store) {
    var n = 0;
    for (var i = 0; i < store.length; i += 1) {
      var key = store.key(i);
      if (key && key.indexOf(QUEUE) === 0) {
        try { n += (JSON.parse(store.getItem(key)) || []).length; } catch (e) { n += 0; }
      }
    }
    return n;
  }
  function clearOwn(store) {
    var keys = [];
    for (var i = 0; i < store.length; i += 1) { keys.push(store.key(i)); }
    keys.forEach(function (key) {
      if (key && OWN.some(function (prefix) { return key.indexOf(prefix) === 0; })) { store.removeItem(key); }
    });
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-sign-out")) { return; }
    var store = storage();
    if (!store) { return; }
    var n = waiting(store);
    var unsent = form.getAttribute(n === 1 && form.hasAttribute("data-unsent-one") ? "data-unsent-one" : "data-unsent");
    if (n > 0 && !window.confirm((unsent || "").split("{n}").join(String(n)))) {
      event.preventDefault();
      event.stopImmediatePropagation();
      return;
    }
    clearOwn(store);
  }, true);

  // A second click on a form's button while it is being sent does nothing (the server also ignores repeats).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.sending === "1") { event.preventDefault(); return; }
    form.dataset.sending = "1";
    window.setTimeout(function () { form.dataset.sending = ""; }, 8000);
  });
})();

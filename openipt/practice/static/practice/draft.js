/* Keep a copy of a worksheet in this browser until the server has it, so a closed tab or a dropped
   connection loses nothing. The server autosaves through htmx; this file only keeps the local copy
   and offers it back. Every page works without it. */
(function () {
  "use strict";
  var SKIP = { csrfmiddlewaretoken: 1, version: 1, submission_key: 1, action: 1 };

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && !SKIP[el.name] && (el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.type === "text");
    });
  }

  function read(form) {
    var values = {};
    fields(form).forEach(function (el) { values[el.name] = el.value; });
    return values;
  }

  function write(form, values) {
    fields(form).forEach(function (el) {
      if (typeof values[el.name] === "string") { el.value = values[el.name]; }
    });
  }

  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

  function setUp(form, store) {
    var key = form.dataset.draftKey;
    var kept = null;
    try { kept = JSON.parse(store.getItem(key) || "null"); } catch (e) { kept = null; }
    var notice = document.getElementById("draft-restore");
    if (kept && kept.values && !same(kept.values, read(form))) {
      if (notice) {
        notice.hidden = false;
        notice.addEventListener("click", function (event) {
          var choice = event.target.getAttribute("data-draft");
          if (!choice) { return; }
          if (choice === "use") {
            write(form, kept.values);
            form.dispatchEvent(new Event("input", { bubbles: true }));
          } else {
            store.removeItem(key);
          }
          notice.hidden = true;
        });
      }
    } else if (kept && form.dataset.saved === "1") {
      store.removeItem(key);
    }
    var lastSent = null;
    form.addEventListener("input", function () {
      try { store.setItem(key, JSON.stringify({ values: read(form), at: Date.now() })); } catch (e) { /* storage full */ }
    });
    form.addEventListener("htmx:beforeRequest", function () { lastSent = JSON.stringify(read(form)); });
    form.addEventListener("htmx:afterRequest", function (event) {
      var xhr = event.detail && event.detail.xhr;
      var saved = event.detail && event.detail.successful && xhr && xhr.getResponseHeader("X-Worksheet-Version");
      if (saved && lastSent === JSON.stringify(read(form))) { store.removeItem(key); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var store = storage();
    var form = document.querySelector("form[data-draft-key]");
    if (store && form) { setUp(form, store); }
  });
})();

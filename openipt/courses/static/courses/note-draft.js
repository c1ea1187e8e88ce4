/* Keep a copy of the session note in this browser until the server has it, so a dropped
   connection or a closed tab loses nothing. The server autosaves through htmx; this file only
   keeps the local copy and offers it back. Every page works without it. */
(function () {
  "use strict";
  var NAMES = ["mood", "events", "people", "strategy_work", "client_will_try", "risk_text", "risk_level"];

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  function read(form) {
    var values = {};
    NAMES.forEach(function (name) {
      var field = form.elements.namedItem(name);
      values[name] = field ? field.value : "";
    });
    values.techniques = Array.prototype.filter.call(form.querySelectorAll("input[name=techniques]"), function (box) {
      return box.checked;
    }).map(function (box) { return box.value; });
    var reviewed = form.querySelector("input[name=risk_reviewed]:checked");
    values.risk_reviewed = reviewed ? reviewed.value : "";
    return values;
  }

  function write(form, values) {
    NAMES.forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (field && typeof values[name] === "string") { field.value = values[name]; }
    });
    Array.prototype.forEach.call(form.querySelectorAll("input[name=techniques]"), function (box) {
      box.checked = (values.techniques || []).indexOf(box.value) !== -1;
    });
    Array.prototype.forEach.call(form.querySelectorAll("input[name=risk_reviewed]"), function (radio) {
      radio.checked = radio.value === values.risk_reviewed;
    });
  }

  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

  function load(store, key) {
    try { return JSON.parse(store.getItem(key) || "null"); } catch (e) { return null; }
  }

  function setUpForm(form, store) {
    var key = form.dataset.draftKey;
    var kept = load(store, key);
    var lastSent = null;
    var notice = document.getElementById("note-restore");
    if (kept && kept.values && !same(kept.values, read(form))) {
      if (notice) {
        notice.hidden = false;
        notice.addEventListener("click", function (event) {
          var choice = event.target.getAttribute("data-note-restore");
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
    form.addEventListener("input", function () {
      try { store.setItem(key, JSON.stringify({ values: read(form), at: Date.now() })); } catch (e) { /* storage full */ }
    });
    form.addEventListener("htmx:beforeRequest", function () { lastSent = JSON.stringify(read(form)); });
    form.addEventListener("htmx:afterRequest", function (event) {
      var xhr = event.detail && event.detail.xhr;
      var saved = event.detail && event.detail.successful && xhr && xhr.getResponseHeader("X-Note-Version");
      if (saved && lastSent === JSON.stringify(read(form))) { store.removeItem(key); }
    });
  }

  function savedValues() {
    var node = document.getElementById("note-saved");
    try { return node ? JSON.parse(node.textContent) : null; } catch (e) { return null; }
  }

  function nothingNew(kept, saved) {
    if (!saved) { return false; }
    return NAMES.every(function (name) {
      return name === "risk_level" || (kept[name] || "").trim() === "" || (kept[name] || "").trim() === (saved[name] || "").trim();
    });
  }

  function setUpSigned(box, store) {
    var key = box.dataset.draftKey;
    var kept = load(store, key);
    var notice = document.getElementById("note-orphan");
    if (!kept || !kept.values || !notice) { return; }
    if (nothingNew(kept.values, savedValues())) { store.removeItem(key); return; }
    notice.hidden = false;
    notice.addEventListener("click", function (event) {
      var choice = event.target.getAttribute("data-note-orphan");
      if (!choice) { return; }
      if (choice === "use") {
        var text = NAMES.filter(function (n) { return n !== "risk_level"; }).map(function (n) { return (kept.values[n] || "").trim(); })
          .filter(function (t) { return t; }).join("\n\n");
        var target = document.getElementById("id_text");
        if (target) { target.value = (target.value ? target.value + "\n\n" : "") + text; target.focus(); }
      }
      store.removeItem(key);
      notice.hidden = true;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var store = storage();
    if (!store) { return; }
    var form = document.getElementById("note-form");
    if (form) { setUpForm(form, store); }
    var signed = document.getElementById("note-signed");
    if (signed) { setUpSigned(signed, store); }
  });
})();

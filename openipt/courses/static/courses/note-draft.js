/* Keep a copy of the session note in this browser until the server has it, so a dropped
   connection or a closed tab loses nothing. The server autosaves through htmx; the shared module
   openipt/js/drafts.js keeps the local copy and offers it back. This file adds what only a note
   has: once the note is signed, text kept from before is offered for the addendum instead.
   Every page works without it. */
(function () {
  "use strict";
  var NAMES = ["mood", "events", "people", "strategy_work", "client_will_try", "risk_text", "risk_level"];

  function noteField(field) {
    return NAMES.indexOf(field.name) !== -1 || field.name === "techniques" || field.name === "risk_reviewed";
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
    var kept = window.OpenIPT.load(store, key, null);
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
    var store = window.OpenIPT && window.OpenIPT.storage();
    if (!store) { return; }
    var form = document.getElementById("note-form");
    if (form) { window.OpenIPT.draft(form, { notice: "note-restore", accept: noteField, header: "X-Note-Version" }); }
    var signed = document.getElementById("note-signed");
    if (signed) { setUpSigned(signed, store); }
  });
})();

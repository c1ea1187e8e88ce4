/* Keep a copy of a worksheet in this browser until the server has it, so a closed tab or a dropped
   connection loses nothing. The server autosaves through htmx; the shared module in
   openipt/js/drafts.js keeps the local copy and offers it back. Every page works without it. */
(function () {
  "use strict";
  function typed(field) {
    return field.tagName === "TEXTAREA" || field.tagName === "SELECT" || field.type === "text";
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-draft-key]");
    if (form && window.OpenIPT) { window.OpenIPT.draft(form, { accept: typed, header: "X-Worksheet-Version" }); }
  });
})();

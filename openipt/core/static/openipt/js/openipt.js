/* OpenIPT progressive enhancement. Every page works without this file. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // Move focus to the error summary so keyboard and screen-reader users hear what went wrong.
    var summary = document.getElementById("form-errors");
    if (summary) { summary.focus(); }
  });
  // A second click on a form's button while it is being sent does nothing (the server also ignores repeats).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.sending === "1") { event.preventDefault(); return; }
    form.dataset.sending = "1";
    window.setTimeout(function () { form.dataset.sending = ""; }, 8000);
  });
})();

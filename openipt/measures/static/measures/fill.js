/* Questionnaires: one question per screen on a phone, answers saved as the client goes and kept in
   this browser until the server has them. The page works without this file (all questions on one
   page, sent with the button). No inline scripts or styles: the CSP forbids them. */
(function () {
  "use strict";
  var NARROW = "(max-width: 40em)";

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  function answers(form) {
    var out = {};
    Array.prototype.forEach.call(form.querySelectorAll("input[type=radio]:checked"), function (radio) {
      out[radio.name] = radio.value;
    });
    return out;
  }

  function restore(form, kept) {
    var restored = 0;
    Object.keys(kept || {}).forEach(function (name) {
      var group = form.querySelectorAll("input[type=radio][name='" + name.replace(/'/g, "") + "']");
      var anyChecked = Array.prototype.some.call(group, function (r) { return r.checked; });
      if (anyChecked) { return; }
      Array.prototype.forEach.call(group, function (radio) {
        if (radio.value === kept[name]) { radio.checked = true; restored += 1; }
      });
    });
    return restored;
  }

  function setUp(form) {
    var store = storage();
    var key = form.getAttribute("data-store-key");
    var saveUrl = form.getAttribute("data-save-url");
    var status = form.querySelector(".oi-save-status");
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    var words = {
      saving: form.getAttribute("data-saving") || "Saving…",
      saved: form.getAttribute("data-saved") || "Saved",
      offline: form.getAttribute("data-offline") || "Not saved yet",
      restored: form.getAttribute("data-restored") || "Restored"
    };
    var timer = null;
    var pending = false;
    var inflight = null;

    if (store && key) {
      var kept = null;
      try { kept = JSON.parse(store.getItem(key) || "null"); } catch (e) { kept = null; }
      if (kept && restore(form, kept) && status) { status.textContent = words.restored; }
    }

    function say(text) { if (status) { status.textContent = text; } }

    function send() {
      timer = null;
      if (!saveUrl || !window.fetch || !window.FormData) { return; }
      pending = false;
      var data = new FormData(form);
      data.delete("submission_key");
      say(words.saving);
      inflight = window.fetch(saveUrl, {
        method: "POST", body: data, credentials: "same-origin",
        headers: { "X-CSRFToken": token ? token.value : "", "X-Requested-With": "fetch" }
      }).then(function (response) {
        if (response.ok) { return response.json().then(function (body) { say(words.saved + " " + (body.at || "")); }); }
        if (response.status === 409) { window.location.reload(); return null; }
        say(words.offline);
        return null;
      }).catch(function () { pending = true; say(words.offline); }).then(function () { inflight = null; });
    }

    // Sending the form carries every answer, so a save still waiting is dropped; one already on its way
    // is allowed to finish first, so the two never reach the server at the same time.
    form.addEventListener("submit", function (event) {
      if (timer) { window.clearTimeout(timer); timer = null; }
      if (inflight && !event.defaultPrevented) {
        event.preventDefault();
        var waiting = inflight;
        inflight = null;
        waiting.then(function () { form.submit(); });
      }
    });

    form.addEventListener("change", function () {
      if (store && key) {
        try { store.setItem(key, JSON.stringify(answers(form))); } catch (e) { /* storage full or private mode */ }
      }
      if (timer) { window.clearTimeout(timer); }
      timer = window.setTimeout(send, 250);
    });
    window.addEventListener("online", function () { if (pending) { send(); } });

    var questions = Array.prototype.slice.call(form.querySelectorAll(".oi-question"));
    var steps = form.querySelector(".oi-questionnaire__steps");
    var submit = form.querySelector(".oi-questionnaire__send");
    if (!steps || questions.length < 2 || !window.matchMedia) { return; }
    var media = window.matchMedia(NARROW);
    var back = steps.querySelector("[data-step=back]");
    var next = steps.querySelector("[data-step=next]");
    var where = steps.querySelector(".oi-questionnaire__where");
    var bar = form.querySelector(".oi-progress__bar");
    var template = where ? where.getAttribute("data-template") : "{n} / {total}";
    var current = 0;
    var firstError = questions.findIndex ? questions.findIndex(function (q) { return q.classList.contains("oi-question--error"); }) : -1;
    if (firstError > 0) { current = firstError; }

    function show(index, focus) {
      current = Math.max(0, Math.min(index, questions.length - 1));
      questions.forEach(function (q, i) { q.hidden = i !== current; });
      if (back) { back.hidden = current === 0; }
      if (next) { next.hidden = current === questions.length - 1; }
      if (submit) { submit.hidden = current !== questions.length - 1; }
      if (where) { where.textContent = template.replace("{n}", String(current + 1)).replace("{total}", String(questions.length)); }
      if (bar) {
        var tenth = Math.round((current + 1) * 10 / questions.length) * 10;
        bar.className = "oi-progress__bar oi-progress__bar--" + tenth;
      }
      if (focus) {
        var legend = questions[current].querySelector("legend");
        if (legend) { legend.setAttribute("tabindex", "-1"); legend.focus(); }
      }
    }

    function apply() {
      if (media.matches) {
        form.classList.add("oi-questionnaire--steps");
        show(current, false);
      } else {
        form.classList.remove("oi-questionnaire--steps");
        questions.forEach(function (q) { q.hidden = false; });
        if (submit) { submit.hidden = false; }
      }
    }

    if (back) { back.addEventListener("click", function () { show(current - 1, true); }); }
    if (next) { next.addEventListener("click", function () { show(current + 1, true); }); }
    if (media.addEventListener) { media.addEventListener("change", apply); }
    apply();
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form.oi-questionnaire"), setUp);
    // After the answers were sent, forget the copy kept in this browser.
    var sent = document.querySelector("[data-answers-sent]");
    var store = storage();
    if (sent && store) {
      try { store.removeItem(sent.getAttribute("data-answers-sent")); } catch (e) { /* ignore */ }
    }
  });
})();

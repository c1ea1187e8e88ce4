/* Facilitator mode: step timers and an offline queue.
 *
 * Each change (a mark, a "will try" line, a symptom check, notes, ticked steps) is stored in
 * localStorage with a key made here, then sent to the server. If the connection drops, changes
 * wait in the queue and are sent again when it returns; the server applies each key once, so a
 * change sent twice is saved once. A change the server refuses is listed with its reason until the
 * facilitator dismisses the list. The queues live in the shared module openipt/js/drafts.js, and
 * every message comes from the page (#facilitator-words), so it is translated with the page.
 * Without this script the page works as ordinary forms.
 */
(function () {
  "use strict";
  var root = document.getElementById("facilitator");
  if (!root || !window.fetch || !window.OpenIPT || !window.OpenIPT.storage()) { return; }
  var syncUrl = root.getAttribute("data-sync-url");
  var pending = window.OpenIPT.queue("openipt-group-queue-" + root.getAttribute("data-session"));
  // Changes the server refused (for example a mark for someone who has left the group) are listed
  // with the reason until the facilitator says they have dealt with them, even after a reload.
  var refused = window.OpenIPT.queue("openipt-group-refused-" + root.getAttribute("data-session"));
  var words = window.OpenIPT.words(document.getElementById("facilitator-words"));
  var status = document.getElementById("sync-status");
  var sending = false;

  function csrf() {
    var input = root.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function say(text, offline) {
    status.textContent = text;
    status.classList.toggle("oi-sync--offline", !!offline);
  }
  function show() {
    var n = pending.count();
    if (n === 0) { say(words("allSaved"), false); }
    else if (!navigator.onLine) { say(words("offline", { n: n }), true); }
    else { say(words("waiting", { n: n }), true); }
  }
  function memberName(id) {
    var legend = root.querySelector("li[data-member='" + id + "'] legend strong");
    return legend ? legend.textContent : words("aMember");
  }
  var PRESENCE = { present: "came", absent: "didNotCome", excused: "couldNotCome" };
  function describe(item) {
    var d = item.data || {};
    if (item.kind === "mark") {
      return words("markFor", { name: memberName(d.member), presence: PRESENCE[d.presence] ? words(PRESENCE[d.presence]) : d.presence });
    }
    if (item.kind === "will_try") { return words("willTry", { name: memberName(d.member), text: d.text }); }
    if (item.kind === "check") { return words("checkFor", { name: memberName(d.member) }); }
    if (item.kind === "notes") { return words("notes"); }
    return words("steps");
  }
  function drawRefused() {
    var items = refused.items();
    var box = document.getElementById("sync-refused");
    if (!items.length) { if (box) { box.remove(); } return; }
    if (!box) {
      box = document.createElement("div");
      box.id = "sync-refused";
      box.className = "oi-alert oi-alert--error";
      box.setAttribute("role", "alert");
      status.insertAdjacentElement("afterend", box);
    }
    box.textContent = "";
    var title = document.createElement("p");
    title.innerHTML = "<strong></strong>";
    title.firstChild.textContent = words("refusedTitle");
    box.appendChild(title);
    var list = document.createElement("ul");
    items.forEach(function (r) {
      var li = document.createElement("li");
      li.textContent = r.what + ": " + r.why;
      list.appendChild(li);
    });
    box.appendChild(list);
    var done = document.createElement("button");
    done.type = "button";
    done.className = "oi-button--secondary";
    done.textContent = words("dealtWith");
    done.addEventListener("click", function () { refused.clear(); drawRefused(); });
    box.appendChild(done);
  }
  function answersText(item) {
    // A refused symptom check keeps its answers on the list, so they can be entered again;
    // an answer above 0 to the question about self-harm (q9) is said first, in words.
    var answers = (item.data || {}).answers || {};
    var keys = Object.keys(answers).sort(function (a, b) { return parseInt(a.slice(1), 10) - parseInt(b.slice(1), 10); });
    if (!keys.length) { return ""; }
    var text = " " + words("answers", { list: keys.map(function (k) { return k + " = " + answers[k]; }).join(", ") });
    if (answers.q9 > 0) { text = " " + words("safetyQ9", { n: answers.q9 }) + text; }
    return text;
  }
  function refuse(item, why) {
    refused.push({ what: describe(item), why: (why || words("noReason")) + (item.kind === "check" ? answersText(item) : "") });
  }

  // "2 of 4 marked" follows the choices on the page: a mark counts as soon as it is made (the
  // status line says whether it has reached the server yet).
  function countMarked() {
    var box = document.getElementById("marked-count");
    var members = root.querySelectorAll("li.oi-roster__member");
    if (!box || !root.querySelector(".oi-presence")) { return; }
    var n = 0;
    members.forEach(function (li) { if (li.querySelector(".oi-presence input[type=radio]:checked")) { n += 1; } });
    box.textContent = words("markedCount", { n: n, total: members.length });
  }

  function queue(kind, data) {
    pending.add(kind, data);
    flush();
  }
  function flush() {
    var items = pending.items();
    if (sending || items.length === 0) { show(); return; }
    if (!navigator.onLine) { show(); return; }
    sending = true;
    fetch(syncUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify({ changes: items })
    }).then(function (response) {
      if (response.status >= 500 || response.status === 0) { throw new Error("server"); }
      return response.json().then(function (body) { return { status: response.status, body: body }; });
    }).then(function (answer) {
      sending = false;
      if (answer.status !== 200) { say(answer.body.error || words("notSaved"), true); return; }
      var done = {};
      var problems = [];
      var sent = {};
      items.forEach(function (item) { sent[item.key] = item; });
      answer.body.results.forEach(function (r) {
        done[r.key] = true;
        if (!r.ok && r.code === "duplicate") { return; }  // applied before: saved, nothing to redo
        if (!r.ok) { problems.push(r.error); if (sent[r.key]) { refuse(sent[r.key], r.error); } }
        else if (r.result && r.result.replaced) { problems.push(r.result.replaced); }
        else if (r.result && r.result.total !== undefined && r.result.member) { checked(r.result); }
        else if (r.result && r.result.version !== undefined) {
          var v = root.querySelector("form[data-kind=notes] input[name=version]");
          if (v) { v.value = r.result.version; }
        }
      });
      pending.done(done);
      show();
      drawRefused();
      if (problems.length) { say(problems.join(" "), true); }
      // Marks made while this batch was on its way wait in the queue: send them now, not at the next change.
      if (pending.items().some(function (item) { return !sent[item.key]; })) { flush(); }
    }).catch(function () {
      sending = false;
      say(words("offline", { n: pending.count() }), true);
    });
  }
  function checked(result) {
    var form = root.querySelector("form[data-kind=check][data-member='" + result.member + "']");
    if (!form) { return; }
    var p = document.createElement("p");
    p.textContent = words(result.flagged ? "savedFlagged" : "saved", { total: result.total });
    form.replaceWith(p);
  }

  root.addEventListener("change", function (event) {
    var el = event.target;
    var form = el.form;
    if (!form) { return; }
    var kind = form.getAttribute("data-kind");
    if (kind === "marks" && el.type === "radio") {
      var member = el.name.split("_")[0].slice(1);
      queue("mark", { member: parseInt(member, 10), presence: el.value });
      var seen = form.querySelector("input[name='m" + member + "_seen']");
      if (seen) { seen.value = el.value; }
      countMarked();
    } else if (kind === "marks" && el.type === "text") {
      queue("will_try", { member: parseInt(el.getAttribute("data-member"), 10), text: el.value });
      var seenTry = form.querySelector("input[name='" + el.name + "_seen']");
      if (seenTry) { seenTry.value = el.value; }
    } else if (kind === "steps") {
      var done = [];
      form.querySelectorAll("input[name=done]:checked").forEach(function (box) { done.push(box.value); });
      queue("steps", { done: done });
    }
  });
  root.addEventListener("submit", function (event) {
    var form = event.target;
    var kind = form.getAttribute("data-kind");
    if (kind === "marks" || kind === "steps") { event.preventDefault(); flush(); return; }
    if (kind === "check") {
      event.preventDefault();
      var answers = {};
      form.querySelectorAll("select[data-item]").forEach(function (s) { if (s.value !== "") { answers[s.getAttribute("data-item")] = parseInt(s.value, 10); } });
      if (answers.q9 === undefined) {
        // A quick PHQ-2 still asks the safety question (question 9): nothing is queued without it.
        say(words("askQ9"), true);
        var nine = form.querySelector("select[data-item=q9]");
        if (nine) { nine.focus(); }
        return;
      }
      queue("check", { member: parseInt(form.getAttribute("data-member"), 10), answers: answers });
    } else if (kind === "notes") {
      event.preventDefault();
      var version = parseInt(form.querySelector("input[name=version]").value, 10);
      queue("notes", { text: form.querySelector("textarea[name=notes]").value, version: version });
    }
  });

  // Timers: one per step, started and stopped by the facilitator.
  root.querySelectorAll(".oi-step").forEach(function (step) {
    var box = step.querySelector(".oi-timer");
    var minutes = parseInt(step.getAttribute("data-minutes"), 10) || 0;
    if (!box || !minutes) { return; }
    var left = minutes * 60, timer = null;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "oi-button--secondary";
    button.textContent = words("startTimer");
    var time = document.createElement("span");
    time.className = "oi-timer__time";
    time.setAttribute("role", "timer");
    function draw() {
      var s = Math.abs(left);
      time.textContent = (left < 0 ? "+" : "") + Math.floor(s / 60) + ":" + ("0" + (s % 60)).slice(-2);
      box.classList.toggle("oi-timer--over", left < 0);
    }
    button.addEventListener("click", function () {
      if (timer) { clearInterval(timer); timer = null; button.textContent = words("startTimer"); return; }
      timer = setInterval(function () { left -= 1; draw(); }, 1000);
      button.textContent = words("pauseTimer");
    });
    draw();
    box.appendChild(button);
    box.appendChild(time);
  });

  window.addEventListener("online", flush);
  window.addEventListener("offline", show);
  drawRefused();
  countMarked();
  flush();
})();

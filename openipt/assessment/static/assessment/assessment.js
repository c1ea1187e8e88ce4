/* Assessment pages: keep a copy of typed text in this browser until the server has it, print
   buttons, and dragging people between the rings of the closeness circle. Every page works
   without this file: the forms save, the "Move closer" buttons move, the browser prints. */
(function () {
  "use strict";
  var SKIP = { csrfmiddlewaretoken: 1, version: 1, submission_key: 1, action: 1 };

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  function read(form) {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || SKIP[field.name] || field.type === "hidden" || field.type === "submit" || field.type === "button") { return; }
      if (field.type === "radio") {
        if (field.checked) { values[field.name] = field.value; } else if (!(field.name in values)) { values[field.name] = ""; }
      } else if (field.type === "checkbox") {
        values[field.name] = values[field.name] || [];
        if (field.checked) { values[field.name].push(field.value); }
      } else {
        values[field.name] = field.value;
      }
    });
    return values;
  }

  function write(form, values) {
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || !(field.name in values)) { return; }
      var value = values[field.name];
      if (field.type === "radio") { field.checked = field.value === value; }
      else if (field.type === "checkbox") { field.checked = (value || []).indexOf(field.value) !== -1; }
      else if (typeof value === "string") { field.value = value; }
    });
  }

  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

  function load(store, key) {
    try { return JSON.parse(store.getItem(key) || "null"); } catch (e) { return null; }
  }

  function keep(store, key, form) {
    try { store.setItem(key, JSON.stringify({ values: read(form), at: Date.now() })); } catch (e) { /* storage full */ }
  }

  function setUpDraft(form, store) {
    var key = form.dataset.draftKey;
    var kept = load(store, key);
    var notice = document.getElementById("draft-restore");
    var lastSent = null;
    if (kept && kept.values && !same(kept.values, read(form))) {
      if (notice) {
        notice.hidden = false;
        notice.addEventListener("click", function (event) {
          var choice = event.target.getAttribute("data-draft-restore");
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
    form.addEventListener("input", function () { keep(store, key, form); });
    form.addEventListener("change", function () { keep(store, key, form); });
    var header = form.dataset.autosaveHeader;
    if (header) {
      form.addEventListener("htmx:beforeRequest", function () { lastSent = JSON.stringify(read(form)); });
      form.addEventListener("htmx:afterRequest", function (event) {
        var xhr = event.detail && event.detail.xhr;
        var saved = event.detail && event.detail.successful && xhr && xhr.getResponseHeader(header);
        if (saved && lastSent === JSON.stringify(read(form))) { store.removeItem(key); }
      });
    }
  }

  function setUpPrint() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  }

  /* Dragging a person in the closeness circle to another ring submits the same move a button does. */
  function setUpCircle(figure) {
    var svg = figure.querySelector("svg");
    var centre = svg && svg.querySelector(".oi-client circle");
    if (!svg || !centre || !svg.getScreenCTM) { return; }
    var radius = {};
    ["inner", "middle", "outer"].forEach(function (ring) {
      var circle = svg.querySelector(".oi-ring-" + ring);
      radius[ring] = circle ? parseFloat(circle.getAttribute("r")) : 0;
    });
    var cx = parseFloat(centre.getAttribute("cx"));
    var cy = parseFloat(centre.getAttribute("cy"));

    function point(event) {
      var p = svg.createSVGPoint();
      p.x = event.clientX; p.y = event.clientY;
      return p.matrixTransform(svg.getScreenCTM().inverse());
    }

    Array.prototype.forEach.call(svg.querySelectorAll(".oi-person"), function (group) {
      var match = /-person-(\d+)$/.exec(group.id || "");
      var form = match && document.querySelector("[data-drop-form='" + match[1] + "']");
      if (!form) { return; }
      group.classList.add("oi-draggable");
      var start = null;
      group.addEventListener("pointerdown", function (event) {
        start = point(event);
        group.setPointerCapture(event.pointerId);
        event.preventDefault();
      });
      group.addEventListener("pointermove", function (event) {
        if (!start) { return; }
        var now = point(event);
        group.setAttribute("transform", "translate(" + (now.x - start.x) + " " + (now.y - start.y) + ")");
      });
      function finish(event, cancelled) {
        if (!start) { return; }
        var end = point(event);
        var moved = Math.abs(end.x - start.x) + Math.abs(end.y - start.y);
        start = null;
        if (cancelled || moved < 6) { group.removeAttribute("transform"); return; }
        var marker = group.querySelector(".oi-person-marker");
        var box = marker ? marker.getBBox() : group.getBBox();
        var x = box.x + box.width / 2;
        var transform = group.getAttribute("transform") || "";
        var shift = /translate\(([-\d.e]+) ([-\d.e]+)\)/.exec(transform);
        var dx = shift ? parseFloat(shift[1]) : 0;
        var dy = shift ? parseFloat(shift[2]) : 0;
        var d = Math.sqrt(Math.pow(x + dx - cx, 2) + Math.pow(box.y + box.height / 2 + dy - cy, 2));
        var ring = d <= radius.inner ? "inner" : (d <= radius.middle ? "middle" : "outer");
        form.querySelector("input[name=ring]").value = ring;
        form.submit();
      }
      group.addEventListener("pointerup", function (event) { finish(event, false); });
      group.addEventListener("pointercancel", function (event) { finish(event, true); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var store = storage();
    if (store) {
      Array.prototype.forEach.call(document.querySelectorAll("form[data-draft-key]"), function (form) { setUpDraft(form, store); });
    }
    setUpPrint();
    Array.prototype.forEach.call(document.querySelectorAll("[data-circle-move='1']"), setUpCircle);
  });
})();

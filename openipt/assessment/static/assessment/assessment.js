/* Assessment pages: keep a copy of typed text in this browser until the server has it (through the
   shared module openipt/js/drafts.js), print buttons, and dragging people between the rings of the
   closeness circle. Every page works without this file: the forms save, the "Move closer" buttons
   move, the browser prints. */
(function () {
  "use strict";
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
    if (window.OpenIPT) {
      Array.prototype.forEach.call(document.querySelectorAll("form[data-draft-key]"), function (form) {
        window.OpenIPT.draft(form, { events: ["input", "change"] });
      });
    }
    setUpPrint();
    Array.prototype.forEach.call(document.querySelectorAll("[data-circle-move='1']"), setUpCircle);
  });
})();

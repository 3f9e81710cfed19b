// Draw the dashboard's charts from the figures the server embedded as JSON, and wire the
// print button. No inline script or style anywhere: the page runs under a strict CSP.
(function () {
  "use strict";

  // No mode bar: its buttons would be focusable inside a chart that assistive technology
  // skips (the table beside each chart carries the same figures), and the page prints well.
  var config = { displayModeBar: false, displaylogo: false, responsive: true };
  var NARROW = 560; // px: below this a chart uses its figure's `meta.narrow` layout

  function drawChart(node) {
    var target = document.getElementById(node.getAttribute("data-chart"));
    if (!target || target.classList.contains("chart--drawn")) {
      return;
    }
    var figure = JSON.parse(node.textContent);
    target.classList.add("chart--drawn");
    // A figure may carry changes for a narrow box (a phone): labels that fit a laptop's
    // chart would overlap there.
    var narrow = figure.layout.meta && figure.layout.meta.narrow;
    var drawn = window.Plotly.newPlot(target, figure.data, figure.layout, config);
    if (narrow && target.clientWidth < NARROW) {
      drawn.then(function () { return window.Plotly.relayout(target, narrow); });
    }
  }

  function inView(node) {
    var target = document.getElementById(node.getAttribute("data-chart"));
    if (!target) {
      return false;
    }
    var box = target.getBoundingClientRect();
    return box.bottom > 0 && box.top < window.innerHeight;
  }

  // Charts in view are drawn at once; the others one per task afterwards (about 50 ms each),
  // so the page answers input while they draw and what the coach looks at comes first. A
  // print draws what is left straight away.
  function draw() {
    if (!window.Plotly) {
      return;
    }
    var root = document.documentElement;
    var nodes = document.querySelectorAll('script[type="application/json"][data-chart]');
    var later = [];
    Array.prototype.forEach.call(nodes, function (node) {
      if (inView(node)) {
        drawChart(node);
      } else {
        later.push(node);
      }
    });
    root.classList.add("charts-in-view-drawn");
    function drawRest() {
      later.splice(0).forEach(drawChart);
      root.classList.add("charts-drawn");
    }
    function drawNext() {
      if (!later.length) {
        root.classList.add("charts-drawn");
        return;
      }
      drawChart(later.shift());
      window.setTimeout(drawNext, 0);
    }
    window.addEventListener("beforeprint", drawRest);
    window.setTimeout(drawNext, 0);
  }

  function wirePrint() {
    var buttons = document.querySelectorAll("[data-print]");
    Array.prototype.forEach.call(buttons, function (button) {
      button.addEventListener("click", function () {
        window.print();
      });
    });
  }

  function start() {
    draw();
    wirePrint();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

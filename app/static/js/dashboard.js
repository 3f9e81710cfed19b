// Draw the dashboard's charts from the figures the server embedded as JSON, and wire the
// print button. No inline script or style anywhere: the page runs under a strict CSP.
(function () {
  "use strict";

  // No mode bar: its buttons would be focusable inside a chart that assistive technology
  // skips (the table beside each chart carries the same figures), and the page prints well.
  var config = { displayModeBar: false, displaylogo: false, responsive: true };
  var NARROW = 560; // px: below this a chart uses its figure's `meta.narrow` layout


  function draw() {
    if (!window.Plotly) {
      return;
    }
    var nodes = document.querySelectorAll('script[type="application/json"][data-chart]');
    Array.prototype.forEach.call(nodes, function (node) {
      var target = document.getElementById(node.getAttribute("data-chart"));
      if (!target) {
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
    });
    document.documentElement.classList.add("charts-drawn");
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

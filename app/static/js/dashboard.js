// Draw the dashboard's charts from the figures the server embedded as JSON, and wire the
// print button. No inline script or style anywhere: the page runs under a strict CSP.
(function () {
  "use strict";

  // No mode bar: its buttons would be focusable inside a chart that assistive technology
  // skips (the table beside each chart carries the same figures), and the page prints well.
  var config = { displayModeBar: false, displaylogo: false, responsive: true };
  var NARROW = 560; // px: below this a chart uses its figure's `meta.narrow` layout
  // A chart is drawn when it comes within this distance of the viewport, so it is there by
  // the time the coach scrolls to it while the first second goes to what is on screen.
  var NEAR = "100% 0px";
  var RESIZE_SETTLE_MS = 150;

  var root = document.documentElement;
  var charts = []; // {node, target, drawn, isNarrow, hasNarrow}, in page order
  var waiting = []; // charts near the viewport, drawn one per task
  var observer = null;

  // Write a layout by Plotly's relayout keys ("annotations[4].font.size").
  function setAt(layout, path, value) {
    var keys = path.match(/[^.[\]]+/g);
    var node = layout;
    keys.slice(0, -1).forEach(function (key) {
      if (node[key] === null || typeof node[key] !== "object") {
        node[key] = {};
      }
      node = node[key];
    });
    node[keys[keys.length - 1]] = value;
  }

  function markAllDrawn() {
    if (charts.every(function (chart) { return chart.drawn; })) {
      root.classList.add("charts-drawn");
    }
  }

  // A figure may carry changes for a narrow box (a phone): labels that fit a laptop's chart
  // would overlap there.
  function render(chart, isNarrow) {
    var figure = JSON.parse(chart.node.textContent);
    var narrow = figure.layout.meta && figure.layout.meta.narrow;
    chart.hasNarrow = Boolean(narrow);
    if (narrow && isNarrow) {
      Object.keys(narrow).forEach(function (key) {
        setAt(figure.layout, key, narrow[key]);
      });
    }
    return window.Plotly.newPlot(chart.target, figure.data, figure.layout, config);
  }

  function drawChart(chart) {
    if (chart.drawn) {
      return Promise.resolve();
    }
    chart.drawn = true;
    chart.isNarrow = chart.target.clientWidth < NARROW;
    chart.target.classList.add("chart--drawn");
    return render(chart, chart.isNarrow).then(markAllDrawn);
  }

  // Drawn afresh rather than relayouted: a relayout after a resize across 560 px left the
  // matrix's plot at half its height (Plotly kept the margins it had pushed for the wide
  // legend); a fresh draw is exactly what the new width gets on load.
  function refit() {
    charts.forEach(function (chart) {
      var isNarrow = chart.target.clientWidth < NARROW;
      if (chart.hasNarrow && isNarrow !== chart.isNarrow) {
        chart.isNarrow = isNarrow;
        render(chart, isNarrow);
      }
    });
  }

  function watchResize() {
    var timer = null;
    window.addEventListener("resize", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(refit, RESIZE_SETTLE_MS);
    });
  }

  function onScreen(chart) {
    var box = chart.target.getBoundingClientRect();
    return box.bottom > 0 && box.top < window.innerHeight && box.width > 0;
  }

  // `charts-near-drawn`: the charts on screen and those within reach of a scroll (the first
  // batch the observer reports) are drawn.
  function markNearDrawn() {
    root.classList.add("charts-near-drawn");
  }

  function drawWaiting() {
    var chart = waiting.shift();
    if (chart) {
      drawChart(chart);
    }
    if (waiting.length) {
      window.setTimeout(drawWaiting, 0);
    } else {
      markNearDrawn();
    }
  }

  function near(entries) {
    var first = !waiting.length;
    entries.forEach(function (entry) {
      var chart = charts.filter(function (c) { return c.target === entry.target; })[0];
      if (entry.isIntersecting && chart && !chart.drawn && waiting.indexOf(chart) < 0) {
        observer.unobserve(entry.target);
        waiting.push(chart);
      }
    });
    if (first) {
      window.setTimeout(drawWaiting, 0);
    }
  }

  // The rest are drawn when they come near; a browser without IntersectionObserver draws
  // them one per task, as all browsers did before.
  function watchTheRest(rest) {
    if (!("IntersectionObserver" in window)) {
      waiting = rest;
      window.setTimeout(drawWaiting, 0);
      return;
    }
    if (!rest.length) {
      markNearDrawn();
      return;
    }
    observer = new window.IntersectionObserver(near, { rootMargin: NEAR });
    rest.forEach(function (chart) { observer.observe(chart.target); });
  }

  // A print needs every chart: drawn at once, before the browser lays out the pages.
  function drawEverything() {
    if (observer) {
      observer.disconnect();
    }
    waiting = [];
    charts.forEach(drawChart);
    markNearDrawn();
  }

  function draw() {
    if (!window.Plotly) {
      return;
    }
    var nodes = document.querySelectorAll('script[type="application/json"][data-chart]');
    Array.prototype.forEach.call(nodes, function (node) {
      var target = document.getElementById(node.getAttribute("data-chart"));
      if (target) {
        charts.push({ node: node, target: target, drawn: false });
      }
    });
    var now = charts.filter(onScreen);
    var rest = charts.filter(function (chart) { return now.indexOf(chart) < 0; });
    window.addEventListener("beforeprint", drawEverything);
    window.matchMedia("print").addEventListener("change", function (query) {
      if (query.matches) {
        drawEverything();
      }
    });
    watchResize();
    markAllDrawn();
    // Marked once the charts on screen are drawn and painted: the second frame's callback
    // runs after the first frame (with the page and those charts) reached the screen.
    Promise.all(now.map(drawChart)).then(function () {
      window.requestAnimationFrame(function () {
        window.requestAnimationFrame(function () {
          root.classList.add("charts-in-view-drawn");
          watchTheRest(rest);
        });
      });
    });
  }

  function wirePrint() {
    var buttons = document.querySelectorAll("[data-print]");
    Array.prototype.forEach.call(buttons, function (button) {
      button.addEventListener("click", function () {
        drawEverything();
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

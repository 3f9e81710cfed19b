// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // After a refused form, move focus to the list of problems so it is read out first.
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
  // Links in the summary and the review point at a question: focus its first option.
  function focusQuestion(hash) {
    if (!hash || hash.length < 2) {
      return;
    }
    var target = document.getElementById(decodeURIComponent(hash.slice(1)));
    if (target && target.tagName === "FIELDSET") {
      var input = target.querySelector("input");
      if (input) {
        input.focus();
      }
    }
  }
  if (!summary) {
    focusQuestion(window.location.hash);
  }
  window.addEventListener("hashchange", function () {
    focusQuestion(window.location.hash);
  });
})();

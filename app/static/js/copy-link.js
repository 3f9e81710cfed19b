// Progressive enhancement only: without this file the links can be selected and copied by hand.
(function () {
  "use strict";
  var status = document.getElementById("copy-status");
  function say(key) {
    if (status) {
      status.textContent = "";
      status.textContent = status.getAttribute(key) || "";
    }
  }
  function copy(input) {
    input.focus();
    input.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(
        function () { say("data-copied"); },
        function () { say("data-failed"); }
      );
      return;
    }
    // Plain http on a local network has no Clipboard API; the selection command still works.
    say(document.execCommand && document.execCommand("copy") ? "data-copied" : "data-failed");
  }
  var buttons = document.querySelectorAll("button[data-copy]");
  Array.prototype.forEach.call(buttons, function (button) {
    var input = document.getElementById(button.getAttribute("data-copy"));
    if (!input) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () { copy(input); });
  });
})();

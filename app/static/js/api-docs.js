// Starts Swagger UI on the API's own OpenAPI document (an external file: the CSP allows no inline code).
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");

  // Swagger UI leaves its server choice without a name; screen readers need one.
  function nameTheServerChoice() {
    var servers = document.getElementById("servers");
    if (servers && !servers.hasAttribute("aria-label")) {
      servers.setAttribute("aria-label", "Server");
    }
  }

  window.ui = SwaggerUIBundle({
    url: root.getAttribute("data-openapi-url"),
    domNode: root,
    deepLinking: false,
    tryItOutEnabled: false,
    presets: [SwaggerUIBundle.presets.apis],
    onComplete: nameTheServerChoice,
  });
  new MutationObserver(nameTheServerChoice).observe(root, { childList: true, subtree: true });
})();

// Starts Swagger UI on the API docs page. A file, not an inline script, so the page's
// Content-Security-Policy allows scripts from Nexus itself only. The page names the
// OpenAPI document in the container's data-spec-url.
(function () {
  "use strict";
  var container = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: container.getAttribute("data-spec-url"),
    domNode: container,
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    // No badge from the public validator: nothing leaves this origin.
    validatorUrl: null,
  });
})();

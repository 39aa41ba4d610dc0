// Live preview of a post's body on the admin change form: the server renders the Markdown with
// the same sanitiser as the public page, so what you see here is what readers will see.
(function () {
  "use strict";

  var ENDPOINT = "/blog/vorschau/markdown/";
  var DELAY = 400;

  function init() {
    var body = document.getElementById("id_body");
    var form = body && body.form;
    var token = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    if (!body || !token) {
      return;
    }
    var pane = document.createElement("section");
    pane.className = "k360-preview";
    pane.setAttribute("aria-label", "Vorschau des Textes");
    var title = document.createElement("p");
    title.className = "k360-preview__title";
    title.textContent = "Vorschau";
    var status = document.createElement("p");
    status.className = "k360-preview__status";
    status.setAttribute("role", "status");
    var output = document.createElement("div");
    output.className = "k360-preview__body";
    pane.append(title, status, output);
    body.insertAdjacentElement("afterend", pane);

    var timer = null;
    var latest = 0;

    function render() {
      var request = ++latest;
      var data = new FormData();
      data.append("body", body.value);
      fetch(ENDPOINT, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-CSRFToken": token.value },
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(String(response.status));
          }
          return response.text();
        })
        .then(function (html) {
          if (request === latest) {
            // Sanitised on the server (forums.markdown.render_markdown).
            output.innerHTML = html;
            status.textContent = "";
          }
        })
        .catch(function () {
          if (request === latest) {
            status.textContent = "Die Vorschau ist gerade nicht verfügbar.";
          }
        });
    }

    body.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(render, DELAY);
    });
    render();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

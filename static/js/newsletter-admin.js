// The print button of the consent record (admin): hidden without JavaScript, where the
// browser's own print command does the same.
(function () {
  "use strict";

  function init() {
    document.querySelectorAll("[data-k360-print]").forEach(function (button) {
      button.addEventListener("click", function () {
        window.print();
      });
      var holder = button.closest("[hidden]");
      if (holder) {
        holder.hidden = false;
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

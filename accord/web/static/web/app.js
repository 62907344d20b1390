/* Accord: small progressive enhancements. Every page works without JavaScript. */
(function () {
  "use strict";

  // Submit a filter form as soon as a control marked data-autosubmit changes.
  document.addEventListener("change", function (event) {
    var control = event.target;
    if (!control || !control.matches || !control.matches("[data-autosubmit]")) {
      return;
    }
    var form = control.form;
    if (form && typeof form.requestSubmit === "function") {
      form.requestSubmit();
    } else if (form) {
      form.submit();
    }
  });

  // Copy buttons: <button data-copy="input-id">Copy</button>.
  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest ? event.target.closest("[data-copy]") : null;
    if (!button) {
      return;
    }
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) {
      return;
    }
    var done = function () {
      button.textContent = "Copied";
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () {
        field.select();
      });
    } else {
      field.select();
      try {
        document.execCommand("copy");
        done();
      } catch (e) {
        /* The text stays selected for a manual copy. */
      }
    }
  });
})();

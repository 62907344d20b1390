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

  // File inputs that also take a dropped file: <div data-dropzone> around <input type=file>.
  var dropInput = function (zone) {
    return zone.querySelector("input[type=file]");
  };
  var showName = function (zone) {
    var input = dropInput(zone);
    var name = zone.querySelector("[data-drop-name]");
    if (input && name) {
      name.textContent = input.files && input.files.length ? input.files[0].name : "";
    }
  };
  var zoneOf = function (event) {
    return event.target && event.target.closest ? event.target.closest("[data-dropzone]") : null;
  };
  // A file dropped beside the zone must not make the browser leave the page to open it.
  var pageHasZone = function () {
    return document.querySelector("[data-dropzone]") !== null;
  };
  ["dragenter", "dragover"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var zone = zoneOf(event);
      if (!zone) {
        if (pageHasZone()) {
          event.preventDefault();
        }
        return;
      }
      event.preventDefault();
      zone.classList.add("is-dragover");
    });
  });
  document.addEventListener("dragleave", function (event) {
    var zone = zoneOf(event);
    if (zone && !zone.contains(event.relatedTarget)) {
      zone.classList.remove("is-dragover");
    }
  });
  document.addEventListener("drop", function (event) {
    var zone = zoneOf(event);
    if (!zone) {
      if (pageHasZone()) {
        event.preventDefault();
      }
      return;
    }
    event.preventDefault();
    zone.classList.remove("is-dragover");
    var input = dropInput(zone);
    var files = event.dataTransfer ? event.dataTransfer.files : null;
    if (input && files && files.length) {
      input.files = files;
      showName(zone);
    }
  });
  document.addEventListener("change", function (event) {
    var zone = zoneOf(event);
    if (zone && event.target.matches("input[type=file]")) {
      showName(zone);
    }
  });

  // Long work submitted by a form: <form data-progress="id"> reveals the progress block with
  // that id and stops a second submit while the page waits for the answer.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || !form.matches || !form.matches("form[data-progress]")) {
      return;
    }
    if (form.getAttribute("data-submitted")) {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-submitted", "1");
    var block = document.getElementById(form.getAttribute("data-progress"));
    if (block) {
      block.hidden = false;
    }
    Array.prototype.forEach.call(form.querySelectorAll("button[type=submit]"), function (b) {
      b.setAttribute("aria-disabled", "true");
    });
  });
  // Back to a page from the browser's cache: the form may be submitted again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) {
      return;
    }
    Array.prototype.forEach.call(document.querySelectorAll("form[data-submitted]"), function (f) {
      f.removeAttribute("data-submitted");
      var block = document.getElementById(f.getAttribute("data-progress"));
      if (block) {
        block.hidden = true;
      }
    });
  });
})();

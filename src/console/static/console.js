// asli admin console: small conveniences on top of plain forms. Every page works without
// this file; the Content-Security-Policy allows no other script.
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  // Ask before a form that changes something for good (retire, apply an import).
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
  });

  // "Add another number": copy the last empty phone row with the next index.
  document.querySelectorAll("button[data-add-phone]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var rows = document.querySelectorAll(".phone-row");
      var last = rows[rows.length - 1];
      if (!last) { return; }
      var next = rows.length;
      var copy = last.cloneNode(true);
      copy.querySelectorAll("input, label").forEach(function (el) {
        ["id", "for", "name"].forEach(function (attr) {
          var v = el.getAttribute(attr);
          if (v) { el.setAttribute(attr, v.replace(/_\d+$/, "_" + next)); }
        });
        if (el.tagName === "INPUT") { el.value = ""; el.removeAttribute("aria-invalid"); }
        if (el.tagName === "LABEL") {
          el.textContent = el.textContent.replace(/\d+/, String(next + 1));
        }
      });
      copy.querySelectorAll(".field-error").forEach(function (el) { el.remove(); });
      last.parentNode.insertBefore(copy, last.nextSibling);
      var input = copy.querySelector("input");
      if (input) { input.focus(); }
    });
  });

  // Copy the bot's reply.
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var target = document.getElementById(button.getAttribute("data-copy"));
    if (!target || !navigator.clipboard) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(target.textContent).then(function () {
        button.textContent = button.getAttribute("data-copied") || button.textContent;
      });
    });
  });

  // Take the clerk to the list of problems after a refused form.
  var summary = document.querySelector("[data-focus-on-load]");
  if (summary) { summary.focus(); }
});

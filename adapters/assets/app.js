// termijn: optional enhancements. Every page works without this script.
// Warns before an idle session ends (WCAG 2.2.1) and lets the user extend it without losing the page.
(function () {
  "use strict";
  var marker = document.getElementById("sessie-einde");
  if (!marker || typeof HTMLDialogElement === "undefined") { return; }
  var expires = Date.parse(marker.getAttribute("data-expires"));
  if (isNaN(expires)) { return; }
  var warnBefore = 2 * 60 * 1000;
  var extendForm = document.querySelector('form[action="/sessie/verlengen"]');
  function warn() {
    var dialog = document.createElement("dialog");
    dialog.setAttribute("aria-labelledby", "sessie-waarschuwing");
    var heading = document.createElement("h2");
    heading.id = "sessie-waarschuwing";
    heading.textContent = "Uw sessie verloopt bijna";
    var text = document.createElement("p");
    text.textContent = "Als u niets doet, wordt u over twee minuten uitgelogd. Wilt u ingelogd blijven?";
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = "Ingelogd blijven";
    button.addEventListener("click", function () { if (extendForm) { extendForm.submit(); } });
    dialog.append(heading, text, button);
    document.body.append(dialog);
    dialog.showModal();
    button.focus();
  }
  var wait = expires - Date.now() - warnBefore;
  window.setTimeout(warn, Math.max(wait, 0));
})();

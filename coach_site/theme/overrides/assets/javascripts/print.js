/*
 * coach-site print: the Print button of the print page opens the browser's print dialog
 * (where the coachee can also save a PDF). Without JavaScript the button stays hidden and
 * the browser's own Print command does the same. No words here: the button's are on the page.
 */
(function () {
  "use strict";

  var site = window.coachSite; // store.js, loaded first: start() below
  if (!site) return;

  function start() {
    var button = document.querySelector(".print-button");
    if (!button) return;
    button.addEventListener("click", function () { window.print(); });
    button.hidden = false;
  }

  site.start(start);
})();

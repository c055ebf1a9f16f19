/*
 * coach-site answers: the widgets that let the coachee answer in place.
 *
 * - the coachee's own satisfaction rating, 1 to 10, on each area's page (a radio group);
 * - "Add a note" beside each answer the coach wrote (homework 1: still true?);
 * - the TED talk's title on one line, and a live word count under its writing spaces;
 * - every reflection box grows with its text, so it never scrolls inside.
 *
 * Each widget's answer is kept like a reflection box's text (store.js): under
 * "coach-site:<workbook key>:<field>" as {text, question, page, href, order}, so it shows on
 * My reflections and travels back to the coach with the rest. The widgets are hidden in the
 * page until this script makes them work: without JavaScript the questions still show.
 * This file holds no words a coachee reads: they are in the widgets' data- attributes.
 */
(function () {
  "use strict";

  var site = window.coachSite; // store.js, loaded first
  if (!site) return;
  var keyFor = site.keyFor, read = site.read, words = site.words, element = site.element;
  var PAUSE_MS = 1500; // a screen reader hears the word count when typing pauses this long

  /* ---- Shared by every widget (schedule.js uses them too) -------------------------- */

  function fieldKey(spot) {
    return keyFor(spot.getAttribute("data-key"), spot.getAttribute("data-field"));
  }

  function savedText(store, spot) {
    var saved = read(store, fieldKey(spot));
    return saved ? saved.text : "";
  }

  /* Keep what the widget `spot` holds now; `anchor` is the id My reflections links to. */
  function keep(store, spot, text, status, anchor) {
    var title = document.querySelector("article h1");
    var kept = site.write(store, fieldKey(spot), {
      text: text,
      question: spot.getAttribute("data-question") || "",
      page: title ? title.textContent.trim() : document.title,
      href: window.location.pathname.split("/").pop() + "#" + anchor,
      order: Number(spot.getAttribute("data-order") || 0)
    });
    if (status) status.textContent = words(spot, kept ? "saved" : "not-saved");
    return kept;
  }

  /* On the print page a widget is not worked: what was kept is printed as text instead. */
  function printSaved(store, spot, render) {
    var text = savedText(store, spot);
    if (!text.trim()) return;
    var shown = render ? render(text) : text; // text, or a piece of page (the day's rows)
    var printed = typeof shown === "string" ? element("p", "reflection__printed", shown) : shown;
    spot.parentNode.insertBefore(printed, spot.nextSibling);
    // The question it answers prints without the lines to write on by hand.
    var before = spot.previousElementSibling;
    while (before && !before.classList.contains("prompt") && !/^H[1-6]$/.test(before.tagName)) {
      before = before.previousElementSibling;
    }
    if (before && before.classList.contains("prompt")) before.classList.add("prompt--answered");
  }

  function fill(template, name, value) {
    return template.split("{" + name + "}").join(value);
  }

  /* ---- Satisfaction now: the coachee's own rating ------------------------------- */

  function ratingScale(store, spot) {
    var radios = spot.querySelectorAll("input[type=radio]");
    var clear = spot.querySelector(".rating-scale__clear");
    var status = spot.querySelector(".rating-scale__status");
    var now = savedText(store, spot).trim();
    Array.prototype.forEach.call(radios, function (radio) {
      radio.checked = radio.value === now;
      radio.addEventListener("change", function () {
        if (!radio.checked) return;
        keep(store, spot, radio.value, status, spot.id);
        clear.disabled = false;
      });
    });
    clear.disabled = !now;
    clear.addEventListener("click", function () {
      Array.prototype.forEach.call(radios, function (radio) { radio.checked = false; });
      keep(store, spot, "", status, spot.id);
      clear.disabled = true;
      radios[0].focus(); // the button just went inert: give focus back to the scale
    });
    spot.hidden = false;
  }

  /* ---- Review notes beside the coach's answers ------------------------------------ */

  function reviewNote(store, spot, index) {
    spot.textContent = ""; // the frame the page came with, holding the room
    var id = "review-note-" + index;
    var open = element("button", "review-note__open", words(spot, "open"));
    open.type = "button";
    open.setAttribute("aria-expanded", "false");
    open.setAttribute("aria-controls", id + "-area");
    open.appendChild(element("span", "visually-hidden", " " + words(spot, "about")));
    var area = element("div", "review-note__area");
    area.id = id + "-area";
    area.hidden = true;
    var label = element("label", "reflection__label", words(spot, "label"));
    label.setAttribute("for", id);
    label.appendChild(element("span", "visually-hidden", " " + words(spot, "about")));
    var box = element("textarea", "review-note__box"); // not a reflection__box: those are the open questions
    box.id = id;
    box.rows = 3;
    var saved = savedText(store, spot);
    // Their note, back in the client file (shown above): the box starts from it.
    var held = site.held ? site.held.onPage().texts[spot.getAttribute("data-field")] || [] : [];
    var theirs = held[0] || "";
    box.value = saved || theirs;
    if (theirs) open.firstChild.textContent = words(spot, "change");
    var status = element("p", "reflection__status");
    status.setAttribute("aria-live", "polite");
    box.addEventListener("input", function () {
      keep(store, spot, theirs && site.held.same(box.value, theirs) ? "" : box.value, status, id);
    });
    area.appendChild(label);
    area.appendChild(box);
    area.appendChild(status);
    spot.appendChild(open);
    spot.appendChild(area);

    function show() {
      area.hidden = false;
      open.hidden = true;
      open.setAttribute("aria-expanded", "true");
    }
    open.addEventListener("click", function () { show(); box.focus(); });
    if (saved.trim()) show(); // a note written before stays open
    spot.hidden = false;
  }

  /* ---- The TED talk: a title on one line, words counted ----------------------------- */

  function lineAnswer(store, spot, index) {
    var input = element("input", "line-answer__input");
    input.type = "text";
    input.id = "line-answer-" + index;
    input.setAttribute("aria-label", spot.getAttribute("data-question") || "");
    input.value = savedText(store, spot);
    var status = element("p", "reflection__status");
    status.setAttribute("aria-live", "polite");
    input.addEventListener("input", function () { keep(store, spot, input.value, status, input.id); });
    spot.appendChild(input);
    spot.appendChild(status);
    spot.hidden = false;
  }

  function countWords(text) {
    var trimmed = text.trim();
    return trimmed ? trimmed.split(/\s+/).length : 0;
  }

  function wordCount(counter) {
    var field = counter.getAttribute("data-for");
    var spot = document.querySelector(".reflection[data-field=\"" + CSS.escape(field) + "\"]");
    if (!spot) return;
    var plural = new Intl.PluralRules(document.documentElement.lang || undefined);
    var shown = element("span", "word-count__shown");
    shown.setAttribute("aria-hidden", "true"); // the live twin below is what a screen reader hears
    var told = element("span", "visually-hidden");
    told.setAttribute("aria-live", "polite");
    counter.appendChild(shown);
    counter.appendChild(told);
    var pause = null;

    function say(n) {
      var form = plural.select(n); // the language's plural category; every one the catalogue has is on the page
      return fill(words(counter, counter.hasAttribute("data-" + form) ? form : "other"), "count", String(n));
    }
    function attach(box) {
      shown.textContent = say(countWords(box.value));
      counter.hidden = false;
      box.setAttribute("aria-describedby", (box.id + "-count"));
      told.id = box.id + "-count";
      box.addEventListener("input", function () {
        var text = say(countWords(box.value));
        shown.textContent = text;
        clearTimeout(pause);
        pause = setTimeout(function () { told.textContent = text; }, PAUSE_MS);
      });
    }
    whenBoxIn(spot, attach);
  }

  /* reflections.js makes the boxes once storage is sorted out: wait for this one. */
  function whenBoxIn(spot, then) {
    var box = spot.querySelector("textarea");
    if (box) { then(box); return; }
    var watch = new MutationObserver(function () {
      var made = spot.querySelector("textarea");
      if (made) { watch.disconnect(); then(made); }
    });
    watch.observe(spot, { childList: true, subtree: true });
  }

  /* ---- Every writing space grows with its text --------------------------------------- */

  var GROWS = "textarea.reflection__box, textarea.review-note__box";
  var SIZES_ITSELF = window.CSS && CSS.supports && CSS.supports("field-sizing", "content");

  function grow(box) {
    if (SIZES_ITSELF || !box.matches || !box.matches(GROWS)) return;
    box.style.height = "auto";
    box.style.height = (box.scrollHeight + box.offsetHeight - box.clientHeight) + "px";
  }

  function growBoxes() {
    if (SIZES_ITSELF) return; // the stylesheet's field-sizing does it
    document.addEventListener("input", function (event) { grow(event.target); });
    Array.prototype.forEach.call(document.querySelectorAll(GROWS), grow);
    new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        Array.prototype.forEach.call(change.addedNodes, function (node) {
          if (node.querySelectorAll) Array.prototype.forEach.call(node.querySelectorAll("textarea"), grow);
          grow(node);
        });
      });
    }).observe(document.body, { childList: true, subtree: true });
  }

  /* ---- Start ------------------------------------------------------------------------ */

  function each(selector, work) {
    Array.prototype.forEach.call(document.querySelectorAll(selector), work);
  }

  function start() {
    growBoxes();
    var store = site.storage();
    if (!store) return; // storage blocked: the questions still read, without widgets
    if (document.getElementById("coach-site-print")) { // what was set prints as text, not as the widget
      each(".rating-scale[data-field]", function (spot) {
        spot.hidden = true;
        printSaved(store, spot, function (text) { return fill(words(spot, "printed"), "rating", text); });
      });
      each(".review-note[data-field]", function (spot) {
        spot.hidden = true;
        printSaved(store, spot, function (text) { return words(spot, "printed") + " " + text; });
      });
      each(".line-answer[data-field]", function (spot) {
        printSaved(store, spot, function (text) { return fill(words(spot, "printed"), "text", text); });
      });
      return;
    }
    each(".rating-scale[data-field]", function (spot) { ratingScale(store, spot); });
    each(".review-note[data-field]", function (spot, i) { reviewNote(store, spot, i); });
    each(".line-answer[data-field]", function (spot, i) { lineAnswer(store, spot, i); });
    each(".word-count[data-for]", wordCount);
  }

  site.answers = { keep: keep, savedText: savedText, printSaved: printSaved, fill: fill };

  site.start(start);
})();

/*
 * coach-site progress: where the coachee stands, on the home page.
 *
 * The page says, without JavaScript, how many homework steps there are, when the homework
 * is due, the next session and the questions still open. With it, this script adds what
 * only this browser knows: how many steps are ticked ("3 of 7 done", counting the ticks
 * of every page: the page lists every step's fingerprint in data-steps), kind words when
 * the due date has passed (today's date, here), and what was written but not yet sent to
 * the coach, with a gentle reminder when some of it has waited more than a few days; and the
 * questions still open less those written here, counted with the answers. An entry the client
 * file holds (reflections.js: site.held), or loaded from a file already sent, is not "not seen".
 * Sending is the "My reflections" page's: it keeps the time of the last send or download
 * under "coach-site-sent:<workbook key>", and each entry its `changed` time (ISO dates).
 * "Add to my calendar" (the home page and the homework page): the page carries the calendar
 * file of the due date and the next session (base64, in data-calendar); this script makes it a
 * file in this browser and the link downloads it. Nothing is fetched, so a sealed workbook's
 * events stay sealed with its page; without JavaScript the link stays hidden.
 * This file holds no words a coachee reads: they are in the page's data- attributes.
 */
(function () {
  "use strict";

  var site = window.coachSite; // store.js, loaded first
  if (!site) return;
  var SENT = "coach-site-sent:";
  var DAY = 24 * 60 * 60 * 1000;

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, name) {
      return name in values ? String(values[name]) : all;
    });
  }

  /* A time kept by another script, read defensively: NaN when missing or not a date. */
  function time(text) {
    return typeof text === "string" && text ? Date.parse(text) : NaN;
  }

  function showSteps(store, workbook, spot) {
    if (!spot) return;
    var steps = site.words(spot, "steps").split(" ").filter(Boolean);
    var recorded = site.words(spot, "recorded").split(" "); // done, as the coach's file says
    var done = steps.filter(function (step) {
      return recorded.indexOf(step) !== -1 || store.getItem(site.DONE + workbook + ":" + step) === "1";
    }).length;
    spot.textContent = fill(site.words(spot, "done"), { done: done, total: steps.length });
  }

  /* Past the due date (the day after it, on this device's calendar): kind words instead. The
     page says what the day it was built said; this device's day decides, either way. */
  function showDue(spot, now) {
    if (!spot) return;
    var due = /^(\d{4})-(\d{2})-(\d{2})$/.exec(site.words(spot, "due"));
    if (!due) return;
    var endOfDue = new Date(Number(due[1]), Number(due[2]) - 1, Number(due[3]) + 1);
    var said = site.words(spot, now >= endOfDue ? "overdue" : "on-time");
    if (spot.textContent !== said) spot.textContent = said;
  }

  /* The questions still open, less those written on this device; the count of answers with them. */
  function showOpen(store, workbook, progress) {
    var fields = {};
    try {
      var spot = document.querySelector(".progress__fields[data-open-fields]");
      fields = JSON.parse(spot ? spot.getAttribute("data-open-fields") : "{}") || {};
    } catch (error) { fields = {}; }
    var written = 0;
    Array.prototype.forEach.call(progress.querySelectorAll(".progress__open a[href*='#open-']"), function (link) {
      var field = fields[link.getAttribute("href").split("#open-").pop()];
      var entry = field && site.read(store, site.keyFor(workbook, field));
      if (!entry || !entry.text.trim()) return;
      written += 1;
      // Out of its row "name: a, b, c" with the comma that goes with it; a row left empty goes.
      var before = link.previousSibling, after = link.nextSibling;
      if (after && after.nodeType === 3 && after.textContent.trim() === ",") after.remove();
      else if (before && before.nodeType === 3 && before.textContent.trim() === ",") before.remove();
      var row = link.closest("li");
      link.remove();
      if (row && !row.querySelector("a[href*='#open-']")) row.remove();
    });
    var answered = progress.querySelector(".progress__answered");
    if (answered && written) {
      answered.textContent = fill(site.words(answered, "answered"), {
        answered: Number(site.words(answered, "count")) + written, total: site.words(answered, "total")
      });
    }
    var open = progress.querySelector(".progress__open");
    if (open && !open.querySelector("li")) {
      open.hidden = true;
      var heading = progress.querySelector(".progress__open-heading"), none = progress.querySelector(".progress__none-open");
      if (heading) heading.hidden = true;
      if (none) none.hidden = false;
    }
  }

  function showUnsent(store, workbook, spot, days, now) {
    if (!spot) return;
    var sent = time(store.getItem(SENT + workbook));
    var held = site.held ? site.held.onPage() : null; // what the client file holds is with the coach
    var unsent = site.entries(store, workbook).filter(function (entry) {
      if (entry.sent && entry.sent === entry.changed) return false; // loaded from a file already sent
      if (held && site.held.isHeld(held, entry)) return false;
      var changed = time(entry.changed);
      // Without a time of its own, an entry counts as unsent until something was sent.
      return isNaN(sent) || isNaN(changed) || changed > sent;
    });
    if (!unsent.length) return;
    var oldest = Math.min.apply(null, unsent.map(function (entry) {
      var changed = time(entry.changed);
      return isNaN(changed) ? now.getTime() : changed;
    }));
    var text = spot.querySelector(".progress__unsent-text");
    text.textContent = site.counted(spot, "unsent", unsent.length);
    if (days >= 0 && now.getTime() - oldest > days * DAY) {
      var reminder = site.element("strong", "progress__reminder",
        " " + fill(site.words(spot, "reminder"), { days: days }));
      text.appendChild(reminder);
    }
    spot.hidden = false;
  }

  function start() {
    var progress = document.getElementById("coach-site-progress");
    var store = site.storage();
    if (!progress || !store) return;
    var workbook = progress.getAttribute("data-key");
    var now = new Date();
    showSteps(store, workbook, progress.querySelector(".progress__steps"));
    showOpen(store, workbook, progress);
    showDue(progress.querySelector(".progress__due"), now);
    showUnsent(store, workbook, progress.querySelector(".progress__unsent"),
      Number(site.words(progress, "remind-days") || 3), now);
  }

  /* Each "Add to my calendar" link: its file, made here from the page's own bytes. The link
     comes with the page, holding its room; where no file can be made, it goes. */
  function offerCalendar() {
    var can = window.Blob && window.URL && URL.createObjectURL && window.atob;
    Array.prototype.forEach.call(document.querySelectorAll(".calendar-add"), function (spot) {
      var link = spot.querySelector("a[data-calendar]");
      if (!link || !can) { spot.hidden = true; return; }
      var bytes;
      try {
        var text = atob(site.words(link, "calendar"));
        bytes = new Uint8Array(text.length);
        for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
      } catch (error) { spot.hidden = true; return; }
      link.href = URL.createObjectURL(new Blob([bytes], { type: "text/calendar;charset=utf-8" }));
      link.setAttribute("download", site.words(link, "file"));
      spot.hidden = false;
    });
  }

  site.start(start);
  site.start(offerCalendar);
})();

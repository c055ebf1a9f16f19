/*
 * coach-site progress: where the coachee stands, on the home page.
 *
 * The page says, without JavaScript, how many homework steps there are, when the homework
 * is due, the next session and the questions still open. With it, this script adds what
 * only this browser knows: how many steps are ticked ("3 of 7 done", counting the ticks
 * of every page: the page lists every step's fingerprint in data-steps), kind words when
 * the due date has passed (today's date, here), and what was written but not yet sent to
 * the coach, with a gentle reminder when some of it has waited more than a few days.
 * Sending is the "My reflections" page's: it keeps the time of the last send or download
 * under "coach-site-sent:<workbook key>", and each entry its `changed` time (ISO dates).
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

  /* Past the due date (the day after it, on this device's calendar): kind words instead. */
  function showDue(spot, now) {
    if (!spot) return;
    var due = /^(\d{4})-(\d{2})-(\d{2})$/.exec(site.words(spot, "due"));
    if (!due) return;
    var endOfDue = new Date(Number(due[1]), Number(due[2]) - 1, Number(due[3]) + 1);
    if (now >= endOfDue) spot.textContent = site.words(spot, "overdue");
  }

  function showUnsent(store, workbook, spot, days, now) {
    if (!spot) return;
    var sent = time(store.getItem(SENT + workbook));
    var unsent = site.entries(store, workbook).filter(function (entry) {
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
    text.textContent = fill(site.words(spot, "unsent"), { count: unsent.length });
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
    showDue(progress.querySelector(".progress__due"), now);
    showUnsent(store, workbook, progress.querySelector(".progress__unsent"),
      Number(site.words(progress, "remind-days") || 3), now);
  }

  site.start(start);
})();

/*
 * coach-site schedule: the template of an ideal day, week and month (homework 3).
 *
 * Shown on the schedule page for a part the coach has not written yet:
 * - the day is a timeline: rows of a time (typed or picked, <input type=time>) and what
 *   happens then; rows are added and removed;
 * - the week is Monday to Sunday, each with a morning, an afternoon and an evening;
 * - the month is four weeks.
 * What is filled in is kept as text in the form the schedule page reads as a timeline once
 * the coach imports it: "06:30 run · 08:00 school run" for the day, a line per day for the
 * week ("Monday morning: run · Monday evening: choir"), a line per week for the month
 * ("Week 1: a weekend away"). The same text is read back into the widget on reload;
 * anything in it the widget does not recognise is kept, in the nearest box, never dropped.
 * This file holds no words a coachee reads: they are in the template's data- attributes.
 */
(function () {
  "use strict";

  var site = window.coachSite; // store.js, then answers.js (keep, savedText, printSaved)
  if (!site || !site.answers) return;
  var words = site.words, element = site.element, keep = site.answers.keep;
  var SEPARATOR = " · ";
  var TIMED = /^([01]?\d|2[0-3])[:.]([0-5]\d)(?:\s*[-–—:]?\s+(.*))?$/;
  var EMPTY_ROWS = 3; // a fresh day starts with this many rows to fill

  function items(text) {
    var found = [];
    text.split(/\r?\n/).forEach(function (line) {
      line.split("·").forEach(function (item) {
        if (item.trim()) found.push(item.trim());
      });
    });
    return found;
  }

  /* ---- The day: a timeline of rows ------------------------------------------------- */

  function parseDay(text) {
    return items(text).map(function (item) {
      var match = TIMED.exec(item);
      if (!match) return { time: "", what: item };
      return { time: ("0" + match[1]).slice(-2) + ":" + match[2], what: match[3] || "" };
    });
  }

  /* Rows with something to do, in the order shown; a time with nothing to do is not written. */
  function writeDay(rows) {
    return rows.filter(function (row) { return row.what.trim(); }).map(function (row) {
      return (row.time ? row.time + " " : "") + row.what.trim();
    }).join(SEPARATOR);
  }

  function day(store, spot, status) {
    var list = spot.querySelector(".schedule-day");
    var add = spot.querySelector(".schedule-day__add");
    var made = 0;

    function rows() {
      return Array.prototype.map.call(list.children, function (li) {
        return { time: li.querySelector("input[type=time]").value, what: li.querySelector("input[type=text]").value };
      });
    }
    function save() { keep(store, spot, writeDay(rows()), status, list.id); }
    function renumber() {
      Array.prototype.forEach.call(list.children, function (li, i) {
        li.querySelector(".schedule-day__which").textContent = " " + site.answers.fill(words(spot, "remove-about"), "number", String(i + 1));
      });
    }
    function labelled(input, text, id) {
      input.id = id;
      var label = element("label", "visually-hidden", text);
      label.setAttribute("for", id);
      return label;
    }
    function row(time, what) {
      made += 1;
      var li = element("li", "schedule-day__row");
      var when = element("input", "schedule-day__time");
      when.type = "time";
      when.value = time;
      var doing = element("input", "schedule-day__what");
      doing.type = "text";
      doing.value = what;
      var remove = element("button", "schedule-day__remove", words(spot, "remove"));
      remove.type = "button";
      remove.appendChild(element("span", "visually-hidden schedule-day__which"));
      li.appendChild(labelled(when, words(spot, "time"), list.id + "-time-" + made));
      li.appendChild(when);
      li.appendChild(labelled(doing, words(spot, "activity"), list.id + "-what-" + made));
      li.appendChild(doing);
      li.appendChild(remove);
      when.addEventListener("input", save);
      when.addEventListener("change", save);
      doing.addEventListener("input", save);
      remove.addEventListener("click", function () {
        var next = li.nextElementSibling || li.previousElementSibling;
        li.remove();
        renumber();
        save();
        (next ? next.querySelector("input") : add).focus(); // focus never falls to the page's top
      });
      list.appendChild(li);
      return li;
    }

    list.id = spot.id + "-rows";
    var saved = parseDay(site.answers.savedText(store, spot));
    saved.forEach(function (r) { row(r.time, r.what); });
    for (var i = saved.length; i < EMPTY_ROWS; i++) row("", "");
    renumber();
    add.addEventListener("click", function () {
      var li = row("", "");
      renumber();
      li.querySelector("input").focus();
    });
  }

  /* On the print page, a day written here prints as its rows, as the schedule page shows one. */
  function printedDay(text) {
    var timeline = element("div", "timeline reflection__printed");
    var list = element("ul");
    parseDay(text).forEach(function (row) {
      var li = element("li");
      if (row.time) {
        li.appendChild(element("span", "timeline__time", row.time));
        li.appendChild(document.createTextNode(" "));
      }
      li.appendChild(document.createTextNode(row.what));
      list.appendChild(li);
    });
    timeline.appendChild(list);
    return timeline;
  }

  /* ---- The week and the month: a box per labelled slot ---------------------------- */

  /* Each "<label>: <text>" item goes to the box of that label; an item without a known label
     (a "·" the coachee typed, or text written before the template) joins the box before it. */
  function parseSlots(text, labels) {
    var values = {}, last = labels[0];
    var longestFirst = labels.slice().sort(function (a, b) { return b.length - a.length; });
    items(text).forEach(function (item) {
      var label = longestFirst.filter(function (l) { return item.indexOf(l + ":") === 0; })[0];
      if (label) {
        last = label;
        item = item.slice(label.length + 1).trim();
      }
      values[last] = values[last] ? values[last] + SEPARATOR + item : item;
    });
    return values;
  }

  /* A line per group of slots (a day of the week; each week of the month). */
  function writeSlots(groups) {
    return groups.map(function (inputs) {
      return inputs.filter(function (input) { return input.value.trim(); }).map(function (input) {
        return input.getAttribute("data-label") + ": " + input.value.trim();
      }).join(SEPARATOR);
    }).filter(Boolean).join("\n");
  }

  function slots(store, spot, status) {
    var inputs = Array.prototype.slice.call(spot.querySelectorAll("input.schedule-template__input"));
    var days = spot.querySelectorAll(".schedule-week__day");
    var groups = days.length
      ? Array.prototype.map.call(days, function (d) { return Array.prototype.slice.call(d.querySelectorAll("input")); })
      : inputs.map(function (input) { return [input]; });
    var labels = inputs.map(function (input) { return input.getAttribute("data-label"); });
    var values = parseSlots(site.answers.savedText(store, spot), labels);
    inputs.forEach(function (input, i) {
      input.id = spot.id + "-" + i;
      input.value = values[input.getAttribute("data-label")] || "";
      input.addEventListener("input", function () { keep(store, spot, writeSlots(groups), status, input.id); });
    });
  }

  function start() {
    var store = site.storage();
    if (!store) return;
    var printing = document.getElementById("coach-site-print") !== null;
    Array.prototype.forEach.call(document.querySelectorAll(".schedule-template[data-field]"), function (spot, i) {
      if (printing) {
        site.answers.printSaved(store, spot, spot.getAttribute("data-part") === "day" ? printedDay : null);
        return;
      }
      spot.id = "schedule-template-" + i;
      var status = spot.querySelector(".reflection__status");
      if (spot.getAttribute("data-part") === "day") day(store, spot, status);
      else slots(store, spot, status);
      spot.hidden = false;
    });
  }

  site.start(start);
})();

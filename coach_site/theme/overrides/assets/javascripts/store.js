/*
 * coach-site store: what every workbook script shares, loaded before them.
 *
 * What the coachee writes is kept in this browser only (localStorage). An entry is
 * kept under "coach-site:<workbook key>:<field>" as JSON {text, question, page, href,
 * order, changed}; <field> names where the answer belongs in the client file
 * ("focus_areas|<area>|<field>", "schedule|day", "ted_talk|message", ...), and `changed`
 * is when it was last written (ISO 8601, set by write()). A tick is kept under
 * "coach-site-done:<workbook key>:<step fingerprint>" as "1". When the coachee last sent
 * their reflections to the coach or downloaded them is kept under
 * "coach-site-sent:<workbook key>" (ISO 8601): an entry changed after it is not sent yet.
 * The workbook key (data-key) is a hash, the same for every link the client ever had.
 * Every script starts through start() below: once all of them have started (their async
 * work done too), <html> carries data-workbook-ready, the one sign that the page is usable.
 * This file holds no words a coachee reads: they come from the page's data- attributes.
 */
(function () {
  "use strict";

  var PREFIX = "coach-site:";
  var DONE = "coach-site-done:";
  var SENT = "coach-site-sent:";
  var persistAsked = false;

  function storage() {
    try {
      var probe = PREFIX + "probe";
      window.localStorage.setItem(probe, "1");
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (error) {
      return null; // storage blocked: the workbook still reads, without boxes
    }
  }

  function keyFor(workbook, field) {
    return PREFIX + workbook + ":" + field;
  }

  function read(store, key) {
    try {
      var entry = JSON.parse(store.getItem(key));
      return entry && typeof entry.text === "string" ? entry : null;
    } catch (error) {
      return null;
    }
  }

  function entries(store, workbook) {
    var found = [];
    for (var i = 0; i < store.length; i++) {
      var key = store.key(i);
      if (key && key.indexOf(PREFIX + workbook + ":") === 0) {
        var entry = read(store, key);
        if (entry && entry.text.trim()) {
          entry.field = key.slice((PREFIX + workbook + ":").length);
          found.push(entry);
        }
      }
    }
    found.sort(function (a, b) { return (a.order || 0) - (b.order || 0); });
    return found;
  }

  /* The words an element carries for this script, in its data-<name> attribute. */
  function words(el, name) {
    return el ? el.getAttribute("data-" + name) || "" : "";
  }

  /* A counted message for `count`, from data-<name>-<form>: the page carries each plural form
     of its language (one, few, many, other, ...), and Intl.PluralRules says which this count takes. */
  function counted(el, name, count) {
    var form = new Intl.PluralRules(document.documentElement.lang || undefined).select(count);
    var text = words(el, name + "-" + form) || words(el, name + "-other");
    return text.split("{count}").join(String(count));
  }

  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined) el.textContent = text;
    return el;
  }

  /* Keep an entry (an empty text removes it), stamped with when it changed. Returns false
     when storage refused it. The first time something is kept, ask the browser to keep it
     even when it clears space (it may ask the coachee, or decide by itself). */
  function write(store, key, entry) {
    try {
      if (entry.text.trim()) {
        entry.changed = new Date().toISOString();
        store.setItem(key, JSON.stringify(entry));
        askToPersist();
      } else {
        store.removeItem(key);
      }
      return true;
    } catch (error) {
      return false;
    }
  }

  function askToPersist() {
    if (persistAsked || !navigator.storage || !navigator.storage.persist) return;
    persistAsked = true;
    navigator.storage.persist().catch(function () { /* not granted: the page says what that means */ });
  }

  /* ---- Ready: every script has started --------------------------------------------- */

  var root = document.documentElement; // a page that replaces this one (sealed.js) has its own
  var starting = 0;
  var loaded = document.readyState === "complete";

  function settle() {
    if (loaded && !starting) root.setAttribute("data-workbook-ready", "");
  }

  /* Run a script's start-up once the page is parsed. It may return a promise for work it
     finishes later (old notes moved, a page decrypted). Once the page has loaded (every script
     has come in by then) and no start-up is running, <html> gets data-workbook-ready. */
  function start(work) {
    starting++;
    function done() {
      starting--;
      settle();
    }
    function run() {
      var result;
      try {
        result = work();
      } catch (error) {
        done();
        throw error;
      }
      if (result && typeof result.then === "function") {
        result.then(done, function (error) { done(); throw error; });
      } else {
        done();
      }
    }
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
    else run();
  }

  if (!loaded) {
    window.addEventListener("load", function () {
      loaded = true;
      settle();
    });
  }

  window.coachSite = {
    PREFIX: PREFIX, DONE: DONE, SENT: SENT, storage: storage, keyFor: keyFor, read: read, write: write,
    entries: entries, words: words, counted: counted, element: element, start: start
  };
})();

/*
 * coach-site reflections: a box beside each open question of the workbook.
 *
 * What the coachee types is kept in this browser only (store.js: localStorage, or encrypted
 * for a sealed workbook; keyed by the workbook's key and the question), restored on reload,
 * and never sent anywhere.
 * The key (data-key) is the same for every link the client ever had, so a new link
 * after `coach-site rotate` shows the same notes; it is a hash, never a token. Notes
 * kept under a raw token (before keys existed) are moved to the key on first visit.
 * The "My reflections" page gathers it all, grouped by page, and sends it to the coach
 * (the share sheet with the file; else an email: a letter to the coach, then the file as a
 * block of base64 between two marker lines that the import reads; an email that would not fit
 * a mailto: link saves the file and opens a short one to attach it to; or the same letter
 * copied, for webmail) or downloads it as a YAML file in the client file's shape, ticks
 * included, for the coach to import. It is marked sent only once something was: the share
 * sheet said so, a file was saved, or the coachee says their email went. A sealed workbook
 * sends nothing readable: the file shared, downloaded or coded into the email is the same
 * file sealed (store.js's sealedReflections: AES-256-GCM with the vault's reflections key,
 * a fresh IV, the workbook's id as additional data; clientfile/sealed_reflections.py opens
 * it), and the email's letter only says that it holds them, sealed. "Load a reflections
 * file" reads such a file on another device (a sealed one with this device's vault) and
 * merges it without losing what is already there. What the client file already holds (the
 * page's .coach-site-held) is dropped from this browser: after an import nothing shows twice
 * or waits to be sent again. Without JavaScript the workbook reads as before; the boxes are
 * simply absent. Typed text is only ever set as
 * text (value, textContent), never as HTML.
 * This file holds no words a coachee reads: they are on the page, in the data-
 * attributes the templates write from content/_words.yaml, so they are translated there.
 */
(function () {
  "use strict";

  var site = window.coachSite; // store.js, loaded first
  if (!site) return;
  var PREFIX = site.PREFIX, DONE = site.DONE, SENT = site.SENT, storage = site.storage, keyFor = site.keyFor,
      read = site.read, entries = site.entries, words = site.words, element = site.element;

  /* ---- What the client file already holds ------------------------------------------- */

  /* The page's JSON of the coachee's answers the client file holds ({texts: {field: [text]},
     ratings: {field: {value, on}}}, workbook/render.py: held_by_file), or nothing held. */
  function heldOnPage() {
    var spot = document.querySelector(".coach-site-held[data-held]");
    try {
      var held = JSON.parse(spot ? spot.getAttribute("data-held") : "{}") || {};
      return { texts: held.texts || {}, ratings: held.ratings || {} };
    } catch (error) {
      return { texts: {}, ratings: {} };
    }
  }

  function flat(text) {
    return String(text || "").replace(/\s+/g, " ").trim();
  }

  function same(a, b) {
    return flat(a) === flat(b);
  }

  function isStepList(field) {
    return /\|next_steps$/.test(field);
  }

  /* The lines of a step list this browser has that the file does not. */
  function linesNotHeld(held, field, text) {
    var have = (held.texts[field] || []).map(flat);
    return linesOf(text).filter(function (line) { return have.indexOf(flat(line)) === -1; });
  }

  /* Whether the file holds this entry as written: the same text (for a value's meaning, as
     its meaning or its note), every step of a step list, or a rating the file dated on or
     after the day it was set here. */
  function isHeld(held, entry) {
    var rating = held.ratings[entry.field];
    if (rating) return flat(entry.text) === rating.value && String(entry.changed || "").slice(0, 10) <= rating.on;
    if (isStepList(entry.field)) return (held.texts[entry.field] || []).length > 0 &&
      linesNotHeld(held, entry.field, entry.text).length === 0;
    return (held.texts[entry.field] || []).some(function (text) { return same(text, entry.text); });
  }

  /* Drop from this browser what the coach has brought into the file since: an entry the file
     holds is removed; a step list keeps only the steps the file lacks (still not sent). */
  function forgetHeld(store, held) {
    var spot = document.querySelector(".coach-site-held[data-key]");
    if (!spot) return;
    var workbook = spot.getAttribute("data-key");
    entries(store, workbook).forEach(function (entry) {
      var key = keyFor(workbook, entry.field);
      try {
        if (isHeld(held, entry)) {
          store.removeItem(key);
        } else if (isStepList(entry.field)) {
          var left = linesNotHeld(held, entry.field, entry.text);
          if (left.length < linesOf(entry.text).length) {
            var kept = read(store, key);
            kept.text = left.join("\n");
            store.setItem(key, JSON.stringify(kept)); // its own time kept: still waiting to be sent
          }
        }
      } catch (error) { /* storage blocked: it stays, and shows as before */ }
    });
  }

  /* A box about words the file holds already starts from them, folded behind a button. */
  function foldBehind(spot, area, box, text, className) {
    var open = element("button", className, words(spot, "change"));
    open.type = "button";
    open.setAttribute("aria-expanded", "false");
    if (!area.id) area.id = box.id + "-area";
    open.setAttribute("aria-controls", area.id);
    var question = spot.getAttribute("data-question");
    if (question) open.appendChild(element("span", "visually-hidden", " " + words(spot, "about")));
    area.hidden = true;
    function show() {
      area.hidden = false;
      open.hidden = true;
      open.setAttribute("aria-expanded", "true");
    }
    open.addEventListener("click", function () { show(); box.focus(); });
    if (text.trim()) show();
    return open;
  }

  /* A labelled text box in place of each placeholder the templates left. */
  function addBoxes(store, held) {
    var placeholders = document.querySelectorAll(".reflection[data-field][data-key]");
    var printPage = document.getElementById("coach-site-print");
    var readOnly = printPage !== null;
    var title = document.querySelector("article h1");
    for (var i = 0; i < placeholders.length; i++) {
      var spot = placeholders[i];
      spot.textContent = ""; // the frame the page came with, holding the room: the box takes its place
      var field = spot.getAttribute("data-field");
      var question = spot.getAttribute("data-question") || "";
      var key = keyFor(spot.getAttribute("data-key"), field);
      var saved = read(store, key);
      if (readOnly) {
        if (saved && saved.text.trim()) {
          spot.appendChild(element("p", "reflection__label", words(printPage, "label")));
          spot.appendChild(element("p", "reflection__printed", saved.text));
          spot.hidden = false; // what they typed is part of the printed workbook
        } else {
          spot.hidden = true; // nothing written: the question prints with lines to write on
        }
        continue;
      }
      var id = "reflection-" + i;
      var label = element("label", "reflection__label", words(spot, "label"));
      label.setAttribute("for", id);
      if (question) label.appendChild(element("span", "visually-hidden", " " + words(spot, "about")));
      var box = element("textarea", "reflection__box");
      box.id = id;
      box.rows = 4;
      var theirs = isStepList(field) ? "" : (held.texts[field] || [])[0] || "";
      box.value = saved ? saved.text : theirs;
      var status = element("p", "reflection__status");
      status.setAttribute("aria-live", "polite");
      box.addEventListener("input", save.bind(null, store, key, box, status, spot, {
        question: question,
        page: title ? title.textContent.trim() : document.title,
        href: window.location.pathname.split("/").pop() + "#" + id,
        order: Number(spot.getAttribute("data-order") || i),
        held: theirs
      }));
      var area = spot;
      if (theirs) { // their words are in the file, shown above: the box to change them, on request
        area = element("div", "reflection__area");
        spot.appendChild(foldBehind(spot, area, box, saved ? saved.text : "", "reflection__open"));
        spot.appendChild(area);
      }
      area.appendChild(label);
      area.appendChild(box);
      area.appendChild(status);
      if (i === 0) area.appendChild(element("p", "reflection__note", words(spot, "note")));
      spot.hidden = false;
    }
  }

  function save(store, key, box, status, spot, about) {
    var kept = site.write(store, key, {
      // The file's words, unchanged: nothing to send.
      text: about.held && same(box.value, about.held) ? "" : box.value,
      question: about.question, page: about.page, href: about.href, order: about.order
    });
    status.textContent = words(spot, kept ? "saved" : "not-saved");
  }

  /* ---- The "My reflections" page ------------------------------------------ */

  function yamlString(text) {
    // A JSON string is a valid double-quoted YAML scalar once the characters JSON leaves
    // raw but YAML reads as line breaks or refuses (\x7f-\x9f, U+2028/9, BOM) are escaped.
    return JSON.stringify(text).replace(/[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g, function (c) {
      return "\\u" + ("000" + c.charCodeAt(0).toString(16)).slice(-4);
    });
  }

  function today() {
    return new Date().toISOString().slice(0, 10);
  }

  /* The steps the workbook can tick ({step: fingerprint, area | list, text}), from the page. */
  function stepsOf(page) {
    try {
      return JSON.parse(page.getAttribute("data-steps") || "[]");
    } catch (error) {
      return [];
    }
  }

  function ticked(store, workbook, step) {
    return store.getItem(DONE + workbook + ":" + step.step) === "1";
  }

  function linesOf(text) {
    return text.split(/\r?\n/).map(function (s) { return s.trim(); }).filter(Boolean);
  }

  /* What the coachee wrote and ticked, in the client file's shape: the parts, by name. */
  function gathered(found, steps, isTicked) {
    var areas = {}, areaOrder = [], values = {}, valueOrder = [], sections = { schedule: [], ted_talk: [] };
    var missed = null, actionItems = [];
    function area(name) {
      if (!areas[name]) { areas[name] = { answers: [], notes: [], steps: [] }; areaOrder.push(name); }
      return areas[name];
    }
    found.forEach(function (entry) {
      var parts = entry.field.split("|");
      if (parts[0] === "focus_areas" && parts.length >= 4 && parts[parts.length - 2] === "note") {
        area(parts.slice(1, -2).join("|")).notes.push([parts[parts.length - 1], entry.text]);
      } else if (parts[0] === "focus_areas" && parts.length >= 3) {
        var name = parts.slice(1, -1).join("|"); // an area name may itself hold a "|"
        var field = parts[parts.length - 1];
        if (field === "next_steps") linesOf(entry.text).forEach(function (s) { area(name).steps.push([s, false]); });
        else area(name).answers.push([field, entry.text]);
      } else if (parts[0] === "values" && parts.length >= 3) {
        var value = parts.slice(1, -1).join("|");
        if (!values[value]) { values[value] = []; valueOrder.push(value); }
        values[value].push([parts[parts.length - 1], entry.text]);
      } else if (sections[parts[0]] && parts.length === 2) {
        sections[parts[0]].push([parts[1], entry.text]);
      } else if (parts[0] === "anything_we_missed") {
        missed = entry.text;
      }
    });
    steps.forEach(function (step) {
      if (!isTicked(step)) return;
      if (step.list === "action_items") actionItems.push(step.text);
      else if (step.area !== undefined) area(step.area).steps.push([step.text, true]);
    });
    return { areas: areas, areaOrder: areaOrder, values: values, valueOrder: valueOrder,
             sections: sections, missed: missed, actionItems: actionItems };
  }

  function stepLines(indent, text, done) {
    if (!done) return [indent + "- " + yamlString(text)];
    return [indent + "- step: " + yamlString(text), indent + "  done: " + JSON.stringify(true)];
  }

  function reflectionsYaml(page, token, found, steps, isTicked) {
    var all = gathered(found, steps, isTicked);
    var out = [
      "# " + words(page, "file-heading").replace("{date}", today()),
      "# " + words(page, "file-send"),
      "link:",
      "  token: " + yamlString(token)
    ];
    if (all.valueOrder.length) {
      out.push("values:");
      all.valueOrder.forEach(function (name) {
        out.push("  - name: " + yamlString(name));
        all.values[name].forEach(function (pair) { out.push("    " + pair[0] + ": " + yamlString(pair[1])); });
      });
    }
    if (all.areaOrder.length) {
      out.push("focus_areas:");
      all.areaOrder.forEach(function (name) {
        var area = all.areas[name];
        out.push("  - name: " + yamlString(name));
        area.answers.forEach(function (pair) { out.push("    " + pair[0] + ": " + yamlString(pair[1])); });
        if (area.notes.length) {
          out.push("    notes:");
          area.notes.forEach(function (pair) { out.push("      " + pair[0] + ": " + yamlString(pair[1])); });
        }
        if (area.steps.length) {
          out.push("    next_steps:");
          area.steps.forEach(function (pair) { out = out.concat(stepLines("      ", pair[0], pair[1])); });
        }
      });
    }
    if (all.actionItems.length) {
      out.push("homework:", "  action_items:");
      all.actionItems.forEach(function (text) { out = out.concat(stepLines("    ", text, true)); });
    }
    ["schedule", "ted_talk"].forEach(function (section) {
      if (all.sections[section].length) {
        out.push(section + ":");
        all.sections[section].forEach(function (pair) { out.push("  " + pair[0] + ": " + yamlString(pair[1])); });
      }
    });
    if (all.missed !== null) out.push("anything_we_missed: " + yamlString(all.missed));
    return out.join("\n") + "\n";
  }

  /* ---- Reading a reflections file back (the YAML written above) ------------- */

  /* The block YAML this page writes: mappings, lists ("- "), and scalars that are JSON
     strings, true/false or plain words. Throws on anything else. */
  function parseYaml(text) {
    var lines = [];
    text.replace(/^\ufeff/, "").split(/\r?\n/).forEach(function (raw) {
      if (!raw.trim() || /^\s*#/.test(raw)) return;
      var indent = raw.match(/^ */)[0].length, rest = raw.slice(indent).replace(/\s+$/, "");
      while (rest === "-" || rest.indexOf("- ") === 0) { // a list item; what follows sits deeper
        lines.push({ indent: indent, dash: true });
        rest = rest.slice(2);
        indent += 2;
      }
      if (rest) lines.push({ indent: indent, text: rest });
    });
    var at = 0;
    function scalar(text) {
      if (text.charAt(0) === "\"") return JSON.parse(text);
      if (text === "true" || text === "false") return text === "true";
      if (text.charAt(0) === "'" || /^[[{|>&*!]/.test(text)) throw new SyntaxError();
      return text;
    }
    function block(indent) {
      var line = lines[at];
      if (!line || line.indent < indent) return null;
      if (line.dash) {
        var list = [], own = line.indent;
        while (at < lines.length && lines[at].dash && lines[at].indent === own) {
          at++;
          list.push(block(own + 1));
        }
        return list;
      }
      var key = /^([A-Za-z_][A-Za-z0-9_]*):(?: (.*))?$/.exec(line.text);
      if (!key) { at++; return scalar(line.text); }
      var map = {}, level = line.indent;
      while (at < lines.length && !lines[at].dash && lines[at].indent === level) {
        var match = /^([A-Za-z_][A-Za-z0-9_]*):(?: (.*))?$/.exec(lines[at].text);
        if (!match) throw new SyntaxError();
        at++;
        map[match[1]] = match[2] !== undefined && match[2] !== "" ? scalar(match[2]) : block(level + 1);
      }
      return map;
    }
    var data = block(0);
    if (at !== lines.length || !data || typeof data !== "object") throw new SyntaxError();
    return data;
  }

  function text(value) {
    return value === null || value === undefined || typeof value === "object" ? "" : String(value);
  }

  /* The file's answers as {field: text}, and the steps it ticks as their fingerprints. */
  function fromFile(data, steps) {
    var answers = {}, ticks = [];
    function tick(match) {
      for (var i = 0; i < steps.length; i++) if (match(steps[i])) return ticks.push(steps[i].step) && true;
      return false;
    }
    (data.values || []).forEach(function (value) {
      if (value && value.name && text(value.meaning)) answers["values|" + value.name + "|meaning"] = text(value.meaning);
    });
    (data.focus_areas || []).forEach(function (area) {
      if (!area || !area.name) return;
      var own = [];
      Object.keys(area).forEach(function (field) {
        if (field === "name") return;
        if (field === "notes" && area.notes && typeof area.notes === "object") {
          Object.keys(area.notes).forEach(function (on) {
            if (text(area.notes[on])) answers["focus_areas|" + area.name + "|note|" + on] = text(area.notes[on]);
          });
        } else if (field === "next_steps" && Array.isArray(area.next_steps)) {
          area.next_steps.forEach(function (step) {
            var words = step && typeof step === "object" ? text(step.step) : text(step);
            var done = step && typeof step === "object" && step.done === true;
            var known = done && tick(function (s) { return s.area === area.name && s.text === words; });
            if (words && !known) own.push(words);
          });
        } else if (text(area[field])) {
          answers["focus_areas|" + area.name + "|" + field] = text(area[field]);
        }
      });
      if (own.length) answers["focus_areas|" + area.name + "|next_steps"] = own.join("\n");
    });
    ((data.homework || {}).action_items || []).forEach(function (item) {
      if (item && typeof item === "object" && item.done === true) {
        tick(function (s) { return s.list === "action_items" && s.text === text(item.step); });
      }
    });
    ["schedule", "ted_talk"].forEach(function (section) {
      var part = data[section] || {};
      Object.keys(part).forEach(function (field) {
        if (text(part[field])) answers[section + "|" + field] = text(part[field]);
      });
    });
    if (text(data.anything_we_missed)) answers.anything_we_missed = text(data.anything_we_missed);
    return { answers: answers, ticks: ticks };
  }

  /* Merge a file into this device without losing anything here: what only the file has is
     added; where both differ, both are kept (steps: every step once), and a rating is asked. */
  function merge(store, page, workbook, loaded, places) {
    var count = 0, both = 0;
    Object.keys(loaded.answers).forEach(function (field) {
      var key = keyFor(workbook, field), theirs = loaded.answers[field], ours = read(store, key);
      var parts = field.split("|");
      var place = places[field] || {};
      var entry = ours || { question: place.question || "",
                            page: place.page || (parts[0] === "focus_areas" ? parts[1] : words(page, "loaded-page")),
                            href: place.href || "", order: place.order || 0 };
      var fromFile = true; // the file's words alone: sent already (a file saved or shared counts as sent)
      if (ours && ours.text.trim() === theirs.trim()) return;
      if (!ours || !ours.text.trim()) {
        entry.text = theirs;
      } else if (parts[parts.length - 1] === "next_steps") {
        var lines = linesOf(ours.text);
        linesOf(theirs).forEach(function (line) { if (lines.indexOf(line) === -1) lines.push(line); });
        entry.text = lines.join("\n");
        fromFile = false;
      } else if (parts[parts.length - 1] === "satisfaction") {
        var question = words(page, "keep-rating").replace("{area}", parts.slice(1, -1).join("|"))
          .replace("{here}", ours.text).split("{there}").join(theirs);
        if (!window.confirm(question)) return;
        entry.text = theirs;
      } else {
        entry.text = ours.text + "\n\n" + theirs;
        fromFile = false;
        both++;
      }
      if (!site.write(store, key, entry)) return;
      count++;
      if (fromFile) {
        var kept = read(store, key);
        kept.sent = kept.changed; // progress.js: not "not seen yet"
        try { store.setItem(key, JSON.stringify(kept)); } catch (error) { /* storage full: counted unsent */ }
      }
    });
    loaded.ticks.forEach(function (step) {
      var key = DONE + workbook + ":" + step;
      if (store.getItem(key) === "1") return;
      try { store.setItem(key, "1"); count++; } catch (error) { /* storage full: said below */ }
    });
    return { count: count, both: both };
  }

  /* The file is this workbook's: its token is this link's, or one of this client's earlier ones. */
  function isOurs(page, token) {
    if (token === page.getAttribute("data-token")) return Promise.resolve(true);
    var subtle = window.crypto && window.crypto.subtle;
    if (!subtle || !window.TextEncoder || typeof token !== "string") return Promise.resolve(false);
    return subtle.digest("SHA-256", new TextEncoder().encode(token)).then(function (digest) {
      return (page.getAttribute("data-legacy") || "").split(" ").indexOf(hex16(digest)) !== -1;
    });
  }

  /* ---- The page ----------------------------------------------------------------- */

  function button(className, label) {
    var el = element("button", className, label);
    el.type = "button";
    return el;
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, name) {
      return name in values ? String(values[name]) : all;
    });
  }

  /* A day as the workbook writes dates: "7 December 2026", in the page's language (English
     with the day first, as workbook/dates.py writes it). */
  function dateOf(iso) {
    var lang = document.documentElement.lang || undefined;
    if (lang && /^en(-|$)/i.test(lang)) lang = "en-GB";
    try {
      return new Intl.DateTimeFormat(lang, { day: "numeric", month: "long", year: "numeric" }).format(new Date(iso));
    } catch (error) {
      return new Date(iso).toLocaleDateString();
    }
  }

  /* The UTF-8 bytes of a text, as base64 (standard alphabet, padded). */
  function base64(text) {
    return bytesBase64(new TextEncoder().encode(text));
  }

  /* Bytes as base64 (standard alphabet, padded), and as base64url without padding. */
  function bytesBase64(bytes) {
    var binary = "";
    for (var i = 0; i < bytes.length; i += 0x8000) {
      binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    }
    return window.btoa(binary);
  }

  function bytesBase64url(bytes) {
    return bytesBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  /* Base64 of either alphabet, with or without padding and whitespace, as bytes (throws on
     anything else). */
  function fromBase64(text) {
    var clean = String(text).replace(/\s+/g, "").replace(/-/g, "+").replace(/_/g, "/");
    if (!/^[A-Za-z0-9+\/]*={0,2}$/.test(clean)) throw new SyntaxError();
    var binary = window.atob(clean), out = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
    return out;
  }

  /* What a sealed file names its workbook by: the first 16 hex digits of SHA-256 of the
     link's token (the hashes data-legacy lists). */
  function workbookId(token) {
    return crypto.subtle.digest("SHA-256", new TextEncoder().encode(token)).then(hex16);
  }

  var SEALED = "sealed_reflections"; // a sealed file's one field: {workbook, iv, data}
  var SEALED_ABOUT = "coach-site reflections "; // then the workbook's id: the additional data
  var BEGIN = "coach-site:reflections:begin", END = "coach-site:reflections:end"; // the import finds these
  var MAILTO_LIMIT = 2000; // longer mailto: links are cut or refused by some mail programs and browsers

  function showReflections(store, page) {
    var token = page.getAttribute("data-token"); // only for the downloaded file: whose workbook
    var workbook = page.getAttribute("data-key");
    var sealing = site.sealedReflections; // null: a plain workbook, whose file goes as it is
    var steps = stepsOf(page);
    var places = {};
    try { places = JSON.parse(page.getAttribute("data-places") || "{}") || {}; } catch (error) { places = {}; }
    var isTicked = function (step) { return ticked(store, workbook, step); };
    var list = element("div", "reflections__list");
    var actions = element("div", "reflections__actions");
    var send = button("md-button md-button--primary", words(page, "send"));
    var copy = button("md-button", words(page, "copy"));
    var download = button("md-button", words(page, "download"));
    var load = button("md-button", words(page, "load"));
    var clear = button("md-button", words(page, "clear-all"));
    var picker = element("input", "visually-hidden");
    picker.type = "file";
    picker.accept = ".yaml,.yml,text/yaml,application/x-yaml";
    picker.tabIndex = -1;
    picker.setAttribute("aria-hidden", "true");
    var ask = element("div", "reflections__ask");
    var askText = element("p", "reflections__ask-text", words(page, "ask"));
    askText.id = "reflections-ask";
    ask.setAttribute("role", "group");
    ask.setAttribute("aria-labelledby", askText.id);
    var went = button("md-button md-button--primary", words(page, "went"));
    var notYet = button("md-button", words(page, "not-yet"));
    var saveInstead = button("md-button", words(page, "save-instead"));
    var answers = element("div", "reflections__ask-answers");
    [went, notYet, saveInstead].forEach(function (el) { answers.appendChild(el); });
    ask.appendChild(askText);
    ask.appendChild(answers);
    ask.hidden = true;
    var sentAt = element("p", "reflections__sent");
    var status = element("p", "reflections__status");
    status.setAttribute("aria-live", "polite");
    var safety = element("p", "reflections__safety");
    [send, copy, download, load, clear, picker].forEach(function (el) { actions.appendChild(el); });
    [actions, ask, sentAt, status, safety, list].forEach(function (el) { page.appendChild(el); });

    function yaml() {
      return reflectionsYaml(page, token, entries(store, workbook), steps, isTicked);
    }
    /* The file sealed for the coach: the reflections file encrypted, as the import opens it. */
    function sealedFile(plain) {
      return workbookId(token).then(function (id) {
        return sealing.seal(new TextEncoder().encode(plain), SEALED_ABOUT + id).then(function (sealed) {
          return ["# " + words(page, "file-sealed"), SEALED + ":", "  workbook: " + yamlString(id),
                  "  iv: " + yamlString(bytesBase64url(sealed.iv)),
                  "  data: " + yamlString(bytesBase64(sealed.data))].join("\n") + "\n";
        });
      });
    }
    /* `then` gets the file as it leaves this device: a plain workbook's at once, a sealed
       one's once sealed. What cannot be sealed is not sent at all: the page says so. */
    function withFile(then) {
      if (!sealing) return then(yaml());
      sealedFile(yaml()).then(then, function () {
        ask.hidden = true;
        status.textContent = words(page, "not-sealed");
      });
    }
    /* A sealed file's reflections file, opened with this device's vault: a promise of its
       text, rejected with the words to show. */
    function openSealed(sealed) {
      if (!sealed || typeof sealed !== "object") return Promise.reject("not-loaded");
      var id = String(sealed.workbook || "");
      var ours = (page.getAttribute("data-legacy") || "").split(" ");
      if (!/^[0-9a-f]{16}$/.test(id)) return Promise.reject("not-loaded");
      if (ours.indexOf(id) === -1) return Promise.reject("other-workbook");
      if (!sealing) return Promise.reject("not-opened");
      var iv, data;
      try {
        iv = fromBase64(sealed.iv);
        data = fromBase64(sealed.data);
      } catch (error) {
        return Promise.reject("not-opened");
      }
      return sealing.open(iv, data, SEALED_ABOUT + id).then(function (plain) {
        return new TextDecoder().decode(plain);
      }, function () { return Promise.reject("not-opened"); });
    }
    function fileName() {
      return words(page, "file-name").replace("{date}", today());
    }
    function subject() {
      return words(page, "subject").replace("{name}", page.getAttribute("data-client") || "");
    }

    /* What was written, each entry named by its place in the workbook (a file loaded from
       another device names only its field), in the workbook's order, grouped by page. */
    function grouped() {
      var found = entries(store, workbook).map(function (entry) {
        var place = places[entry.field] || {};
        return { field: entry.field, text: entry.text, kind: place.kind || "", label: place.label || "",
                 page: place.page || entry.page || words(page, "untitled"), question: place.question || entry.question || "",
                 href: place.href || (entry.href || "").split("#")[0], order: place.order || entry.order || 0 };
      });
      found.sort(function (a, b) { return a.order - b.order; });
      var groups = [], byPage = {};
      found.forEach(function (entry) {
        if (!byPage[entry.page]) {
          byPage[entry.page] = { title: entry.page, href: entry.href, items: [] };
          groups.push(byPage[entry.page]);
        }
        byPage[entry.page].items.push(entry);
      });
      return groups;
    }
    function said(entry) {
      if (entry.kind === "rating") return fill(words(page, "letter-rating"), { rating: entry.text.trim() });
      if (entry.kind === "list") return linesOf(entry.text).map(function (line) { return "- " + line; }).join("\n");
      return entry.text;
    }
    function asked(entry) {
      return entry.kind === "note" ? fill(words(page, "letter-note"), { label: entry.label }) : entry.question;
    }

    /* The email: a letter the coach reads, then the file as base64 between two marker lines.
       A sealed workbook's letter says only that the reflections are in it, sealed. */
    function letter() {
      if (sealing) {
        return [words(page, "letter-greeting"), "",
                fill(words(page, "letter-sealed"), { name: page.getAttribute("data-client-first") || "" }), "",
                words(page, "letter-closing"), page.getAttribute("data-client-first") || ""];
      }
      var out = [words(page, "letter-greeting"), "", words(page, "letter-intro")];
      grouped().forEach(function (group) {
        out.push("", "", group.title, "");
        group.items.forEach(function (entry, i) {
          if (i) out.push("");
          if (asked(entry)) out.push(asked(entry));
          out.push(said(entry));
        });
      });
      var done = steps.filter(isTicked);
      if (done.length) {
        out.push("", "", words(page, "letter-done"), "");
        done.forEach(function (step) { out.push("- " + step.text); });
      }
      out.push("", "", words(page, "letter-closing"), page.getAttribute("data-client-first") || "");
      return out;
    }
    function machinePart(file) {
      var lines = base64(file).match(/.{1,64}/g) || [];
      return [words(page, "letter-keep"), BEGIN].concat(lines, [END]);
    }
    function wholeEmail(file) {
      return letter().concat(["", ""], machinePart(file)).join("\n");
    }
    function attachEmail() {
      return [words(page, "letter-greeting"), "", fill(words(page, "letter-attach"), { file: fileName() }), "",
              words(page, "letter-closing"), page.getAttribute("data-client-first") || ""].join("\n");
    }
    function mailto(body) {
      return "mailto:" + encodeURIComponent(page.getAttribute("data-coach-email") || "").replace(/%40/g, "@") +
        "?subject=" + encodeURIComponent(subject()) + "&body=" + encodeURIComponent(body.replace(/\r?\n/g, "\r\n"));
    }
    function follow(url) {
      var a = document.createElement("a");
      a.href = url;
      document.body.appendChild(a);
      a.click();
      a.remove();
    }
    function saveFile(file) {
      var blob = new Blob([file], { type: "application/x-yaml" });
      var url = URL.createObjectURL(blob);
      var a = document.createElement("a");
      a.href = url;
      a.download = fileName();
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
      markSent(); // a file saved is the coachee's to send: sent, as far as the workbook can tell
    }
    function markSent() {
      try { store.setItem(SENT + workbook, new Date().toISOString()); } catch (error) { /* storage full */ }
      showSent();
    }
    function showSent() {
      var when = store.getItem(SENT + workbook);
      sentAt.textContent = when ? words(page, "sent").replace("{date}", dateOf(when)) : words(page, "never-sent");
    }
    /* Did the email go? Only the coachee knows: asked, and marked sent only on Yes. */
    function askIfSent() {
      ask.hidden = false;
      went.focus();
    }
    function answered(message) {
      ask.hidden = true;
      status.textContent = message;
      send.focus(); // the question is gone: focus stays near it
    }

    function render() {
      var groups = grouped();
      var anything = groups.length > 0 || steps.some(isTicked);
      list.textContent = "";
      send.disabled = copy.disabled = download.disabled = clear.disabled = !anything;
      showSent();
      if (!groups.length) {
        list.appendChild(element("p", "reflections__empty", words(page, "empty")));
        return;
      }
      // One heading per page, its entries below it, pages in the workbook's order.
      groups.forEach(function (group) {
        var section = element("section", "reflections__page");
        var heading = element("h2", null);
        var link = element("a", null, group.title);
        link.href = group.href || "#";
        heading.appendChild(link);
        section.appendChild(heading);
        group.items.forEach(function (entry) {
          var item = element("div", "reflections__item");
          if (asked(entry)) item.appendChild(element("p", "reflections__question", asked(entry)));
          item.appendChild(element("p", "reflections__text", said(entry)));
          section.appendChild(item);
        });
        list.appendChild(section);
      });
    }

    send.addEventListener("click", function () {
      ask.hidden = true;
      status.textContent = "";
      withFile(function (text) {
        var file = null;
        try { file = new File([text], fileName(), { type: "text/yaml" }); } catch (error) { file = null; }
        if (file && navigator.canShare && navigator.share && navigator.canShare({ files: [file] })) {
          // the system share sheet, with the file: sent once it says so (not when cancelled)
          navigator.share({ files: [file], title: subject() }).then(markSent, function () { /* cancelled */ });
          return;
        }
        var whole = mailto(wholeEmail(text));
        if (whole.length <= MAILTO_LIMIT) {
          follow(whole); // the email, everything in its text; whether it went, only the coachee knows
          askIfSent();
          return;
        }
        saveFile(text); // too long for any mail program's link: the file, then a short email to attach it to
        var short = mailto(attachEmail());
        if (short.length <= MAILTO_LIMIT) follow(short);
        status.textContent = fill(words(page, "saved-attach"), { file: fileName() });
      });
    });
    copy.addEventListener("click", function () {
      ask.hidden = true;
      withFile(function (file) {
        var text = wholeEmail(file);
        var copying = navigator.clipboard && navigator.clipboard.writeText
          ? navigator.clipboard.writeText(text) : Promise.reject(new TypeError());
        copying.then(function () {
          status.textContent = words(page, "copied");
          askIfSent();
        }, function () {
          status.textContent = words(page, "not-copied");
        });
      });
    });
    went.addEventListener("click", function () {
      markSent();
      answered(words(page, "marked"));
    });
    notYet.addEventListener("click", function () { answered(words(page, "not-marked")); });
    saveInstead.addEventListener("click", function () {
      withFile(function (file) {
        saveFile(file);
        answered("");
      });
    });
    download.addEventListener("click", function () { withFile(saveFile); });
    load.addEventListener("click", function () { picker.click(); });
    picker.addEventListener("change", function () {
      var file = picker.files && picker.files[0];
      if (!file) return;
      var reader = new FileReader();
      reader.onload = function () {
        var data;
        try {
          data = parseYaml(String(reader.result));
        } catch (error) {
          status.textContent = words(page, "not-loaded");
          return;
        }
        // A sealed file: its reflections file, opened with this device's vault.
        var inside = SEALED in data ? openSealed(data[SEALED]).then(function (text) {
          try {
            return parseYaml(text);
          } catch (error) {
            return Promise.reject("not-loaded");
          }
        }) : Promise.resolve(data);
        inside.then(function (reflections) {
          return isOurs(page, reflections.link && reflections.link.token).then(function (ours) {
            if (!ours) { status.textContent = words(page, "other-workbook"); return; }
            var done = merge(store, page, workbook, fromFile(reflections, steps), places);
            forgetHeld(store, heldOnPage());
            status.textContent = site.counted(page, "loaded", done.count) +
              (done.both ? " " + site.counted(page, "kept-both", done.both) : "");
            render();
          });
        }, function (why) {
          status.textContent = words(page, typeof why === "string" ? why : "not-loaded");
        });
      };
      reader.readAsText(file);
      picker.value = "";
    });
    clear.addEventListener("click", function () {
      if (!window.confirm(words(page, "confirm-clear"))) return;
      entries(store, workbook).forEach(function (entry) { store.removeItem(keyFor(workbook, entry.field)); });
      render();
    });
    /* Safari on iPhone and iPad clears a site's storage after seven days without a visit,
       unless the workbook was added to the Home Screen: said there, once, until it is. */
    var apple = /iPad|iPhone|iPod/.test(navigator.userAgent) ||
      (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1); // an iPad asks for the desktop site
    var installed = navigator.standalone === true ||
      (window.matchMedia && window.matchMedia("(display-mode: standalone)").matches);
    if (apple && !installed) safety.parentNode.insertBefore(
      element("p", "reflections__safety reflections__home-screen", words(page, "home-screen")), safety.nextSibling);
    var asking = null; // the browser's answer comes later: the page is ready once it has come
    if (navigator.storage && navigator.storage.persisted) {
      asking = navigator.storage.persisted().then(function (kept) {
        safety.textContent = words(page, kept ? "kept-safe" : "may-be-cleared");
      }, function () { safety.textContent = words(page, "may-be-cleared"); });
    } else {
      safety.textContent = words(page, "may-be-cleared");
    }
    render();
    return asking;
  }

  /* Ticks on next steps and action items, remembered on this device too. */
  function keepTicks(store) {
    var boxes = document.querySelectorAll(".checklist__box[data-step][data-key]");
    Array.prototype.forEach.call(boxes, function (box) {
      var key = DONE + box.getAttribute("data-key") + ":" + box.getAttribute("data-step");
      // Ticked here, or recorded done in the client file (the page says so: checked).
      box.checked = box.defaultChecked || store.getItem(key) === "1";
      box.addEventListener("change", function () {
        try {
          if (box.checked) store.setItem(key, "1"); else store.removeItem(key);
        } catch (error) { /* storage full or blocked: the tick lasts for this visit */ }
      });
    });
  }

  /* ---- Notes kept under a raw token, from before the key ---------------------- */

  var LEGACY = /^(coach-site:|coach-site-done:)([A-Za-z0-9_-]{22,}):(.*)$/;

  function hex16(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer).slice(0, 8), function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  /* Move every note and tick kept under one of this client's tokens (found by the token's
     hash in data-legacy, so the page names no old token) to the key. A note already kept
     under the key wins; the old one then stays where it was, so nothing is lost. */
  function moveLegacyNotes(store) {
    var spot = document.querySelector("[data-key][data-legacy]");
    var subtle = window.crypto && window.crypto.subtle;
    if (!spot || !subtle || !window.TextEncoder) return Promise.resolve();
    var workbook = spot.getAttribute("data-key");
    var ours = spot.getAttribute("data-legacy").split(" ");
    var byToken = {};
    for (var i = 0; i < store.length; i++) {
      var match = LEGACY.exec(store.key(i) || "");
      if (match) (byToken[match[2]] = byToken[match[2]] || []).push(match);
    }
    var tokens = Object.keys(byToken);
    return Promise.all(tokens.map(function (token) {
      return subtle.digest("SHA-256", new TextEncoder().encode(token)).then(function (digest) {
        if (ours.indexOf(hex16(digest)) === -1) return;
        byToken[token].forEach(function (match) {
          var to = match[1] + workbook + ":" + match[3];
          try {
            if (store.getItem(to) === null) store.setItem(to, store.getItem(match[0]));
            if (store.getItem(to) === store.getItem(match[0])) store.removeItem(match[0]);
          } catch (error) { /* storage full: the note stays under the token, found next time */ }
        });
      });
    })).catch(function () { /* no hashing here: the old notes stay where they are */ });
  }

  /* The boxes wait for old notes to be moved; start-up is over once they and "My
     reflections" are shown (store.js: the page's ready sign). */
  function start() {
    var store = storage();
    if (!store) return null;
    var held = heldOnPage();
    forgetHeld(store, held); // before the other scripts start: they read what is left
    return moveLegacyNotes(store).then(function () {
      forgetHeld(store, held);
      addBoxes(store, held);
      keepTicks(store);
      var page = document.getElementById("coach-site-reflections");
      return page ? showReflections(store, page) : null;
    });
  }

  site.held = { onPage: heldOnPage, isHeld: isHeld, same: same, foldBehind: foldBehind };

  site.start(start);
})();

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
 * (the share sheet with the file, else an email to the coach with it in the text) or
 * downloads it as a YAML file in the client file's shape, ticks included, for the coach
 * to import; "Load a reflections file" reads such a file on another device and merges it
 * without losing what is already there. Without JavaScript the workbook
 * reads as before; the boxes are simply absent. Typed text is only ever set as
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

  /* A labelled text box in place of each placeholder the templates left. */
  function addBoxes(store) {
    var placeholders = document.querySelectorAll(".reflection[data-field][data-key]");
    var printPage = document.getElementById("coach-site-print");
    var readOnly = printPage !== null;
    var title = document.querySelector("article h1");
    for (var i = 0; i < placeholders.length; i++) {
      var spot = placeholders[i];
      var field = spot.getAttribute("data-field");
      var question = spot.getAttribute("data-question") || "";
      var key = keyFor(spot.getAttribute("data-key"), field);
      var saved = read(store, key);
      if (readOnly) {
        if (saved && saved.text.trim()) {
          spot.appendChild(element("p", "reflection__label", words(printPage, "label")));
          spot.appendChild(element("p", "reflection__printed", saved.text));
          spot.hidden = false; // what they typed is part of the printed workbook
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
      box.value = saved ? saved.text : "";
      var status = element("p", "reflection__status");
      status.setAttribute("aria-live", "polite");
      box.addEventListener("input", save.bind(null, store, key, box, status, spot, {
        question: question,
        page: title ? title.textContent.trim() : document.title,
        href: window.location.pathname.split("/").pop() + "#" + id,
        order: Number(spot.getAttribute("data-order") || i)
      }));
      spot.appendChild(label);
      spot.appendChild(box);
      spot.appendChild(status);
      if (i === 0) spot.appendChild(element("p", "reflection__note", words(spot, "note")));
      spot.hidden = false;
    }
  }

  function save(store, key, box, status, spot, about) {
    var kept = site.write(store, key, {
      text: box.value, question: about.question, page: about.page, href: about.href, order: about.order
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
  function merge(store, page, workbook, loaded) {
    var count = 0, both = 0;
    Object.keys(loaded.answers).forEach(function (field) {
      var key = keyFor(workbook, field), theirs = loaded.answers[field], ours = read(store, key);
      var parts = field.split("|");
      var entry = ours || { question: "", page: parts[0] === "focus_areas" ? parts[1] : words(page, "loaded-page"),
                            href: "", order: 0 };
      if (ours && ours.text.trim() === theirs.trim()) return;
      if (!ours || !ours.text.trim()) {
        entry.text = theirs;
      } else if (parts[parts.length - 1] === "next_steps") {
        var lines = linesOf(ours.text);
        linesOf(theirs).forEach(function (line) { if (lines.indexOf(line) === -1) lines.push(line); });
        entry.text = lines.join("\n");
      } else if (parts[parts.length - 1] === "satisfaction") {
        var question = words(page, "keep-rating").replace("{area}", parts.slice(1, -1).join("|"))
          .replace("{here}", ours.text).split("{there}").join(theirs);
        if (!window.confirm(question)) return;
        entry.text = theirs;
      } else {
        entry.text = ours.text + "\n\n" + theirs;
        both++;
      }
      if (site.write(store, key, entry)) count++;
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

  function showReflections(store, page) {
    var token = page.getAttribute("data-token"); // only for the downloaded file: whose workbook
    var workbook = page.getAttribute("data-key");
    var steps = stepsOf(page);
    var isTicked = function (step) { return ticked(store, workbook, step); };
    var list = element("div", "reflections__list");
    var actions = element("div", "reflections__actions");
    var send = element("a", "md-button md-button--primary", words(page, "send"));
    var download = button("md-button", words(page, "download"));
    var load = button("md-button", words(page, "load"));
    var clear = button("md-button", words(page, "clear-all"));
    var picker = element("input", "visually-hidden");
    picker.type = "file";
    picker.accept = ".yaml,.yml,text/yaml,application/x-yaml";
    picker.tabIndex = -1;
    picker.setAttribute("aria-hidden", "true");
    var sentAt = element("p", "reflections__sent");
    var status = element("p", "reflections__status");
    status.setAttribute("aria-live", "polite");
    var safety = element("p", "reflections__safety");
    [send, download, load, clear, picker].forEach(function (el) { actions.appendChild(el); });
    [actions, sentAt, status, safety, list].forEach(function (el) { page.appendChild(el); });

    function yaml() {
      return reflectionsYaml(page, token, entries(store, workbook), steps, isTicked);
    }
    function fileName() {
      return words(page, "file-name").replace("{date}", today());
    }
    function subject() {
      return words(page, "subject").replace("{name}", page.getAttribute("data-client") || "");
    }
    function mailto() {
      return "mailto:" + encodeURIComponent(page.getAttribute("data-coach-email") || "").replace(/%40/g, "@") +
        "?subject=" + encodeURIComponent(subject()) + "&body=" + encodeURIComponent(yaml());
    }
    function markSent() {
      try { store.setItem(SENT + workbook, new Date().toISOString()); } catch (error) { /* storage full */ }
      showSent();
    }
    function showSent() {
      var when = store.getItem(SENT + workbook);
      sentAt.textContent = when ? words(page, "sent").replace("{date}", new Date(when).toLocaleString())
                                : words(page, "never-sent");
    }

    function render() {
      var found = entries(store, workbook);
      var anything = found.length > 0 || steps.some(isTicked);
      list.textContent = "";
      download.disabled = clear.disabled = !anything;
      send.setAttribute("aria-disabled", anything ? "false" : "true");
      send.href = mailto();
      showSent();
      if (!found.length) {
        list.appendChild(element("p", "reflections__empty", words(page, "empty")));
        return;
      }
      // One heading per page, its entries below it, pages in the workbook's order.
      var groups = [], byPage = {};
      found.forEach(function (entry) {
        var title = entry.page || words(page, "untitled");
        if (!byPage[title]) {
          byPage[title] = element("section", "reflections__page");
          var heading = element("h2", null);
          var link = element("a", null, title);
          link.href = (entry.href || "#").split("#")[0] || "#";
          heading.appendChild(link);
          byPage[title].appendChild(heading);
          groups.push(byPage[title]);
        }
        var item = element("div", "reflections__item");
        if (entry.question) item.appendChild(element("p", "reflections__question", entry.question));
        item.appendChild(element("p", "reflections__text", entry.text));
        byPage[title].appendChild(item);
      });
      groups.forEach(function (group) { list.appendChild(group); });
    }

    send.addEventListener("click", function (event) {
      if (send.getAttribute("aria-disabled") === "true") { event.preventDefault(); return; }
      var file = null;
      try { file = new File([yaml()], fileName(), { type: "text/yaml" }); } catch (error) { file = null; }
      if (file && navigator.canShare && navigator.share && navigator.canShare({ files: [file] })) {
        event.preventDefault(); // the system share sheet, with the file
        navigator.share({ files: [file], title: subject() }).then(markSent, function () { /* cancelled */ });
        return;
      }
      send.href = mailto(); // the email, with everything in its text
      markSent();
    });
    download.addEventListener("click", function () {
      var blob = new Blob([yaml()], { type: "application/x-yaml" });
      var url = URL.createObjectURL(blob);
      var a = document.createElement("a");
      a.href = url;
      a.download = fileName();
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
      markSent();
    });
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
        isOurs(page, data.link && data.link.token).then(function (ours) {
          if (!ours) { status.textContent = words(page, "other-workbook"); return; }
          var done = merge(store, page, workbook, fromFile(data, steps));
          status.textContent = words(page, "loaded").replace("{count}", done.count) +
            (done.both ? " " + words(page, "kept-both").replace("{count}", done.both) : "");
          render();
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
    var asked = null; // the browser's answer comes later: the page is ready once it has come
    if (navigator.storage && navigator.storage.persisted) {
      asked = navigator.storage.persisted().then(function (kept) {
        safety.textContent = words(page, kept ? "kept-safe" : "may-be-cleared");
      }, function () { safety.textContent = words(page, "may-be-cleared"); });
    } else {
      safety.textContent = words(page, "may-be-cleared");
    }
    render();
    return asked;
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
    return moveLegacyNotes(store).then(function () {
      addBoxes(store);
      keepTicks(store);
      var page = document.getElementById("coach-site-reflections");
      return page ? showReflections(store, page) : null;
    });
  }

  site.start(start);
})();

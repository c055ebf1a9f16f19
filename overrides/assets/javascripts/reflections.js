/*
 * coach-site reflections: a box beside each open question of the workbook.
 *
 * What the coachee types is kept in this browser only (localStorage, keyed by the
 * workbook's key and the question), restored on reload, and never sent anywhere.
 * The key (data-key) is the same for every link the client ever had, so a new link
 * after `coach-site rotate` shows the same notes; it is a hash, never a token. Notes
 * kept under a raw token (before keys existed) are moved to the key on first visit.
 * The "My reflections" page gathers it all and downloads it as a YAML file in the
 * client file's shape, for the coach to import. Without JavaScript the workbook
 * reads as before; the boxes are simply absent. Typed text is only ever set as
 * text (value, textContent), never as HTML.
 * This file holds no words a coachee reads: they are on the page, in the data-
 * attributes the templates write from content/_words.yaml, so they are translated there.
 */
(function () {
  "use strict";

  var site = window.coachSite; // store.js, loaded first
  if (!site) return;
  var PREFIX = site.PREFIX, DONE = site.DONE, storage = site.storage, keyFor = site.keyFor,
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

  function reflectionsYaml(page, token, found) {
    var areas = {}, areaOrder = [], sections = { schedule: [], ted_talk: [] }, missed = null;
    found.forEach(function (entry) {
      var parts = entry.field.split("|");
      if (parts[0] === "focus_areas" && parts.length >= 3) {
        var name = parts.slice(1, -1).join("|"); // an area name may itself hold a "|"
        if (!areas[name]) { areas[name] = []; areaOrder.push(name); }
        areas[name].push([parts[parts.length - 1], entry.text]);
      } else if (sections[parts[0]] && parts.length === 2) {
        sections[parts[0]].push([parts[1], entry.text]);
      } else if (parts[0] === "anything_we_missed") {
        missed = entry.text;
      }
    });
    var out = [
      "# " + words(page, "file-heading").replace("{date}", new Date().toISOString().slice(0, 10)),
      "# " + words(page, "file-send"),
      "link:",
      "  token: " + yamlString(token)
    ];
    if (areaOrder.length) {
      out.push("focus_areas:");
      areaOrder.forEach(function (name) {
        out.push("  - name: " + yamlString(name));
        areas[name].forEach(function (pair) {
          if (pair[0] === "next_steps") {
            var steps = pair[1].split(/\r?\n/).map(function (s) { return s.trim(); }).filter(Boolean);
            out.push("    next_steps:");
            steps.forEach(function (step) { out.push("      - " + yamlString(step)); });
          } else {
            out.push("    " + pair[0] + ": " + yamlString(pair[1]));
          }
        });
      });
    }
    ["schedule", "ted_talk"].forEach(function (section) {
      if (sections[section].length) {
        out.push(section + ":");
        sections[section].forEach(function (pair) { out.push("  " + pair[0] + ": " + yamlString(pair[1])); });
      }
    });
    if (missed !== null) out.push("anything_we_missed: " + yamlString(missed));
    return out.join("\n") + "\n";
  }

  function showReflections(store, page) {
    var token = page.getAttribute("data-token"); // only for the downloaded file: whose workbook
    var workbook = page.getAttribute("data-key");
    var list = element("div", "reflections__list");
    var actions = element("div", "reflections__actions");
    var download = element("button", "md-button md-button--primary", words(page, "download"));
    var clear = element("button", "md-button", words(page, "clear-all"));
    download.type = clear.type = "button";
    actions.appendChild(download);
    actions.appendChild(clear);
    page.appendChild(actions);
    page.appendChild(list);

    function render() {
      var found = entries(store, workbook);
      list.textContent = "";
      download.disabled = clear.disabled = found.length === 0;
      if (!found.length) {
        list.appendChild(element("p", "reflections__empty", words(page, "empty")));
        return;
      }
      found.forEach(function (entry) {
        var item = element("section", "reflections__item");
        var heading = element("h2", null);
        var link = element("a", null, entry.page || words(page, "untitled"));
        link.href = entry.href || "#";
        heading.appendChild(link);
        item.appendChild(heading);
        item.appendChild(element("p", "reflections__question", entry.question));
        item.appendChild(element("p", "reflections__text", entry.text));
        list.appendChild(item);
      });
    }

    download.addEventListener("click", function () {
      var blob = new Blob([reflectionsYaml(page, token, entries(store, workbook))], { type: "application/x-yaml" });
      var url = URL.createObjectURL(blob);
      var a = document.createElement("a");
      a.href = url;
      a.download = "reflections-" + new Date().toISOString().slice(0, 10) + ".yaml";
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
    });
    clear.addEventListener("click", function () {
      if (!window.confirm(words(page, "confirm-clear"))) return;
      entries(store, workbook).forEach(function (entry) { store.removeItem(keyFor(workbook, entry.field)); });
      render();
    });
    render();
  }

  /* Ticks on next steps and action items, remembered on this device too. */
  function keepTicks(store) {
    var boxes = document.querySelectorAll(".checklist__box[data-step][data-key]");
    Array.prototype.forEach.call(boxes, function (box) {
      var key = DONE + box.getAttribute("data-key") + ":" + box.getAttribute("data-step");
      box.checked = store.getItem(key) === "1";
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

  function start() {
    var store = storage();
    if (!store) return;
    moveLegacyNotes(store).then(function () {
      addBoxes(store);
      keepTicks(store);
      var page = document.getElementById("coach-site-reflections");
      if (page) showReflections(store, page);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

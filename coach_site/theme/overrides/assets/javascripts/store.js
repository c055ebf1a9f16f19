/*
 * coach-site store: what every workbook script shares, loaded before them.
 *
 * What the coachee writes is kept in this browser only. An entry is kept under
 * "coach-site:<workbook key>:<field>" as JSON {text, question, page, href, order, changed};
 * <field> names where the answer belongs in the client file ("focus_areas|<area>|<field>",
 * "schedule|day", "ted_talk|message", ...), and `changed` is when it was last written
 * (ISO 8601, set by write()). A tick is kept under "coach-site-done:<workbook key>:<step
 * fingerprint>" as "1". When the coachee last sent their reflections to the coach or
 * downloaded them is kept under "coach-site-sent:<workbook key>" (ISO 8601): an entry
 * changed after it is not sent yet. The workbook key (data-key) is a hash, the same for
 * every link the client ever had. storage() gives the scripts these names and values
 * through the same synchronous calls (getItem, setItem, removeItem, key, length) wherever
 * they are kept:
 *
 * - A plain workbook keeps them in localStorage, as they are.
 * - A sealed workbook keeps nothing readable there: its entries are kept in IndexedDB
 *   (database "coach-site", store "notes"), encrypted with keys sealed.js derives from the
 *   workbook's content key and hands over when it has opened the page (vault: AES-256-GCM
 *   for what is written, HMAC-SHA-256 for the names; WebCrypto keys that cannot be exported).
 *   One record per name, filed as "<shelf>.<HMAC of the name>" (the shelf is derived from
 *   the key too), holding [name, value] encrypted with a fresh IV at each write, the record's
 *   id as additional data, padded to a size class (256 bytes, then powers of two) so its
 *   size says little of an answer's length. Before any script starts (start waits), the
 *   shelf is read and decrypted into memory; reads are served from memory and writes go
 *   back in the background (saved() says when all have). Entries an earlier version kept
 *   readable in localStorage for this workbook are moved in once, then removed there; the
 *   shelf of an earlier link of the client (it was rotated) whose key this device still
 *   remembers is moved onto this one, and that key forgotten. What leaves the device for
 *   the coach (reflections.js) is sealed with the vault's third key, `reflections`
 *   (sealedReflections below): AES-256-GCM, a fresh IV for each file.
 *
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
  var before = window.coachSite; // the shell's, when sealed.js has just opened this page in its place
  var vault = (before && before.vault) || null; // then the keys of what is written: this page is sealed
  if (before) before.vault = null; // taken: kept only here, in memory
  var sealedStore = null; // a sealed page's entries, in memory, once read

  /* Where the entries are: a sealed page's own store (null until read, or when this browser
     keeps nothing), else localStorage (null when the browser refuses it). */
  function storage() {
    if (vault) return sealedStore;
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

  /* ---- A sealed workbook: its entries encrypted in IndexedDB -------------------------- */

  var DATABASE = "coach-site";
  var KEYS = "keys"; // sealed.js: the keys this device keeps, per workbook folder (a hash of it)
  var NOTES = "notes"; // what the coachee wrote: "<shelf>.<HMAC of the name>" -> {iv, data}
  var LENGTH_BYTES = 4; // a padded item starts with its length (big-endian), as seal.py writes it
  var LEAST_RECORD = 256; // the smallest size class of a record; the next are its powers of two
  var database = null;
  var writing = null; // the background writes, while they run
  var lost = 0; // writes that failed (storage full, IndexedDB gone)

  function utf8(text) {
    return new TextEncoder().encode(text);
  }

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function base64url(bytes) {
    var binary = "";
    for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  /* `bytes` after their length and before zeros, up to a size class: `least`, or the next
     power of two above it that holds them. */
  function padded(bytes, least) {
    var size = least;
    while (size < bytes.length + LENGTH_BYTES) size *= 2;
    var out = new Uint8Array(size);
    new DataView(out.buffer).setUint32(0, bytes.length);
    out.set(bytes, LENGTH_BYTES);
    return out;
  }

  function unpadded(buffer) {
    var bytes = new Uint8Array(buffer);
    var length = new DataView(bytes.buffer, bytes.byteOffset, bytes.length).getUint32(0);
    if (length > bytes.length - LENGTH_BYTES) throw new RangeError(); // shorter than its length: not ours
    return bytes.subarray(LENGTH_BYTES, LENGTH_BYTES + length);
  }

  function idb() {
    database = database || new Promise(function (resolve, reject) {
      var asked = window.indexedDB.open(DATABASE, 1);
      asked.onupgradeneeded = function () {
        asked.result.createObjectStore(KEYS);
        asked.result.createObjectStore(NOTES);
      };
      asked.onsuccess = function () { resolve(asked.result); };
      asked.onerror = function () { reject(asked.error); };
    });
    return database;
  }

  /* One transaction on the object store `name`: `work` gets the store and may return a
     request; its result once the transaction has committed. */
  function transact(name, mode, work) {
    return idb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var done = db.transaction(name, mode), result;
        var request = work(done.objectStore(name));
        if (request) request.onsuccess = function () { result = request.result; };
        done.oncomplete = function () { resolve(result); };
        done.onerror = done.onabort = function () { reject(done.error); };
      });
    });
  }

  function records(name, range) {
    var found = [];
    return transact(name, "readonly", function (store) {
      store.openCursor(range).onsuccess = function (event) {
        var cursor = event.target.result;
        if (!cursor) return;
        found.push({ key: cursor.key, value: cursor.value });
        cursor.continue();
      };
    }).then(function () { return found; });
  }

  var folders = { // sealed.js's: what this device keeps for a workbook folder (its keys), by a hash of it
    get: function (folder) { return transact(KEYS, "readonly", function (s) { return s.get(folder); }); },
    put: function (folder, record) { return transact(KEYS, "readwrite", function (s) { return s.put(record, folder); }); },
    remove: function (folder) { return transact(KEYS, "readwrite", function (s) { return s.delete(folder); }); }
  };

  function hkdf(what) {
    return { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(32), info: utf8("coach-site " + what) };
  }

  /* The keys a content key (raw bytes) gives: `pages` opens the pages; `notes` and `names`
     keep what the coachee writes, on the `shelf` they name; `reflections` seals what is sent
     to the coach (clientfile/sealed_reflections.py derives the same). None can be exported. */
  function vaultOf(raw) {
    var subtle = crypto.subtle;
    return Promise.all([
      subtle.importKey("raw", raw, "AES-GCM", false, ["decrypt"]),
      subtle.importKey("raw", raw, "HKDF", false, ["deriveKey", "deriveBits"])
    ]).then(function (imported) {
      var base = imported[1];
      return Promise.all([
        subtle.deriveKey(hkdf("notes"), base, { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]),
        subtle.deriveKey(hkdf("names"), base, { name: "HMAC", hash: "SHA-256", length: 256 }, false, ["sign"]),
        subtle.deriveBits(hkdf("shelf"), base, 128),
        subtle.deriveKey(hkdf("reflections"), base, { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"])
      ]).then(function (derived) {
        return { pages: imported[0], notes: derived[0], names: derived[1], shelf: hex(derived[2]),
                 reflections: derived[3] };
      });
    });
  }

  function shelfRange(shelf) {
    return IDBKeyRange.bound(shelf + ".", shelf + ".\uffff");
  }

  function sealRecord(keyring, id, name, value) {
    var iv = crypto.getRandomValues(new Uint8Array(12));
    var plain = padded(utf8(JSON.stringify([name, value])), LEAST_RECORD);
    return crypto.subtle.encrypt({ name: "AES-GCM", iv: iv, additionalData: utf8(id) }, keyring.notes, plain)
      .then(function (data) { return { iv: iv, data: data }; });
  }

  function openRecord(keyring, id, record) {
    return crypto.subtle.decrypt({ name: "AES-GCM", iv: record.iv, additionalData: utf8(id) }, keyring.notes, record.data)
      .then(function (plain) { return JSON.parse(new TextDecoder().decode(unpadded(plain))); });
  }

  /* Every entry on a vault's shelf, decrypted: {kept: name -> value, ids: name -> record id}.
     A record that does not open is left where it is. */
  function readShelf(keyring) {
    return records(NOTES, shelfRange(keyring.shelf)).then(function (found) {
      return Promise.all(found.map(function (record) {
        return openRecord(keyring, record.key, record.value).then(function (pair) {
          return { id: record.key, name: pair[0], value: pair[1] };
        }, function () { return null; });
      }));
    }).then(function (opened) {
      var shelf = { kept: new Map(), ids: new Map() };
      opened.forEach(function (entry) {
        if (!entry || typeof entry.name !== "string" || typeof entry.value !== "string") return;
        shelf.kept.set(entry.name, entry.value);
        shelf.ids.set(entry.name, entry.id);
      });
      return shelf;
    });
  }

  function clearShelf(keyring) {
    return transact(NOTES, "readwrite", function (s) { return s.delete(shelfRange(keyring.shelf)); });
  }

  /* Resolves once every write asked for so far is done: true when none failed since the last call. */
  function saved() {
    var failed = lost;
    return (writing || Promise.resolve()).then(function () { return lost === failed; });
  }

  /* The entries of `shelf` as synchronous storage, like localStorage: read from memory,
     each change written back encrypted in the background, the latest value of a name last. */
  function sealedStorage(keyring, shelf) {
    var kept = shelf.kept, ids = shelf.ids, dirty = new Set(), names = null;

    function idOf(name) {
      if (ids.has(name)) return Promise.resolve(ids.get(name));
      return crypto.subtle.sign("HMAC", keyring.names, utf8(name)).then(function (mac) {
        var id = keyring.shelf + "." + base64url(new Uint8Array(mac));
        ids.set(name, id);
        return id;
      });
    }
    function writeOne(name) {
      return idOf(name).then(function (id) {
        if (!kept.has(name)) return transact(NOTES, "readwrite", function (s) { return s.delete(id); });
        return sealRecord(keyring, id, name, kept.get(name)).then(function (record) {
          return transact(NOTES, "readwrite", function (s) { return s.put(record, id); });
        });
      });
    }
    function next() {
      var name = dirty.values().next();
      if (name.done) {
        writing = null;
        return undefined;
      }
      dirty.delete(name.value);
      return writeOne(name.value).catch(function () { lost++; }).then(next);
    }
    function changed(name) {
      names = null;
      dirty.add(name);
      writing = writing || Promise.resolve().then(next);
    }
    var store = {
      getItem: function (name) {
        name = String(name);
        return kept.has(name) ? kept.get(name) : null;
      },
      setItem: function (name, value) {
        name = String(name);
        kept.set(name, String(value));
        changed(name);
      },
      removeItem: function (name) {
        name = String(name);
        if (kept.delete(name)) changed(name);
      },
      key: function (index) {
        names = names || Array.from(kept.keys());
        return index >= 0 && index < names.length ? names[index] : null;
      }
    };
    Object.defineProperty(store, "length", { get: function () { return kept.size; } });
    return store;
  }

  var EARLIER = /^(coach-site:|coach-site-done:|coach-site-sent:)([^:]+)(:|$)/;

  /* What an earlier version kept readable in localStorage for this workbook: under its key
     (data-key), or under one of the client's raw tokens (data-legacy: their hashes;
     reflections.js files those under the key). Written into `store` (an entry already there
     wins), then, once written, removed from localStorage. */
  function moveEarlierEntries(store) {
    var plain;
    try {
      plain = window.localStorage;
      if (!plain.length) return Promise.resolve();
    } catch (error) {
      return Promise.resolve();
    }
    var ours = {}, hashes = [];
    Array.prototype.forEach.call(document.querySelectorAll("[data-key]"), function (el) {
      ours[el.getAttribute("data-key")] = true;
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-legacy]"), function (el) {
      hashes = hashes.concat(el.getAttribute("data-legacy").split(" "));
    });
    var found = [];
    for (var i = 0; i < plain.length; i++) {
      var match = EARLIER.exec(plain.key(i) || "");
      if (match) found.push(match);
    }
    return Promise.all(found.map(function (match) {
      if (ours[match[2]]) return match.input;
      if (!hashes.length || match[2].length < 22) return null;
      return crypto.subtle.digest("SHA-256", utf8(match[2])).then(function (digest) {
        return hashes.indexOf(hex(digest).slice(0, 16)) !== -1 ? match.input : null;
      });
    })).then(function (names) {
      names = names.filter(Boolean);
      names.forEach(function (name) {
        if (store.getItem(name) === null) store.setItem(name, plain.getItem(name));
      });
      return saved().then(function (all) {
        if (all) names.forEach(function (name) { plain.removeItem(name); });
      });
    });
  }

  /* An earlier link of this client (rotated: a new token and key) whose key this device
     remembers (its record names the hash of its token, as data-legacy does): its shelf is
     moved onto this one (an entry already here wins), then it and its key are forgotten. */
  function adoptEarlierLinks(store) {
    var spot = document.querySelector("[data-legacy]");
    if (!spot) return Promise.resolve();
    var tokens = spot.getAttribute("data-legacy").split(" ");
    return records(KEYS).then(function (found) {
      return Promise.all(found.filter(function (record) {
        var earlier = record.value && record.value.vault;
        return earlier && earlier.shelf !== vault.shelf && tokens.indexOf(record.value.token) !== -1;
      }).map(function (record) {
        return readShelf(record.value.vault).then(function (shelf) {
          shelf.kept.forEach(function (value, name) {
            if (store.getItem(name) === null) store.setItem(name, value);
          });
          return saved();
        }).then(function (all) {
          if (all) return Promise.all([clearShelf(record.value.vault), folders.remove(record.key)]);
        });
      }));
    });
  }

  function parsed() {
    return new Promise(function (resolve) {
      if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", resolve);
      else resolve();
    });
  }

  /* A sealed page reads its shelf before any script starts; without IndexedDB it keeps nothing. */
  var reading = vault && parsed().then(function () { return readShelf(vault); }).then(function (shelf) {
    sealedStore = sealedStorage(vault, shelf);
    return moveEarlierEntries(sealedStore).then(function () { return adoptEarlierLinks(sealedStore); });
  }).catch(function () { /* what could not be moved stays where it was, found next time */ });

  /* ---- What a sealed workbook sends: sealed with the vault's reflections key ---------- */

  /* null on a plain page. On a sealed one: `seal(bytes, about)` -> {iv, data} (a fresh IV,
     `about` the additional data) and `open(iv, data, about)` -> the bytes, each a promise,
     rejected when this page's vault has no reflections key (remembered by an earlier
     version) or the bytes do not open. The key itself never leaves this closure. */
  var sealedReflections = vault && {
    seal: function (bytes, about) {
      if (!vault.reflections) return Promise.reject(new TypeError()); // a vault without the reflections key
      var iv = crypto.getRandomValues(new Uint8Array(12));
      return crypto.subtle.encrypt({ name: "AES-GCM", iv: iv, additionalData: utf8(about) }, vault.reflections, bytes)
        .then(function (data) { return { iv: iv, data: new Uint8Array(data) }; });
    },
    open: function (iv, data, about) {
      if (!vault.reflections) return Promise.reject(new TypeError()); // a vault without the reflections key
      return crypto.subtle.decrypt({ name: "AES-GCM", iv: iv, additionalData: utf8(about) }, vault.reflections, data)
        .then(function (plain) { return new Uint8Array(plain); });
    }
  };

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
    function begin() {
      if (reading) reading.then(run); // a sealed page: once its entries are read
      else run();
    }
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", begin);
    else begin();
  }

  if (!loaded) {
    window.addEventListener("load", function () {
      loaded = true;
      settle();
    });
  }

  /* ---- Offline: the workbook's own service worker (coach_site/workbook/offline.py) -------- */

  /* Registered for this workbook's folder only (where its manifest is), once the page has
     loaded, so it never competes with the first paint. On the web only: from disk (file://)
     the theme's offline plugin serves search, and a browser refuses workers on plain http
     but for this computer. When it replaces an older copy of the workbook, it says so. */
  function keepOffline() {
    var workers = navigator.serviceWorker;
    var web = location.protocol === "https:" || /^(localhost|127\.0\.0\.1|\[::1\])$/.test(location.hostname);
    if (!workers || !web) return;
    workers.addEventListener("message", function (event) {
      var notice = document.querySelector(".workbook-notice");
      if (!event.data || event.data.type !== "coach-site-updated" || !notice) return;
      notice.textContent = notice.getAttribute("data-changed");
    });
    var manifest = document.querySelector("link[rel='manifest']");
    var folder = new URL(".", manifest ? manifest.href : location.href).href;
    workers.register(folder + "sw.js", { scope: folder }).catch(function () { /* private mode, or refused */ });
  }
  /* Widgets come with the page, holding their room (.needs-script); where this browser keeps
     nothing (storage blocked), they cannot work: the questions read without them. */
  start(function () {
    if (storage()) return;
    Array.prototype.forEach.call(document.querySelectorAll(".needs-script"), function (el) { el.hidden = true; });
  });

  if (document.readyState === "complete") keepOffline();
  else window.addEventListener("load", keepOffline);

  window.coachSite = {
    PREFIX: PREFIX, DONE: DONE, SENT: SENT, storage: storage, keyFor: keyFor, read: read, write: write,
    entries: entries, words: words, counted: counted, element: element, start: start, saved: saved,
    sealedReflections: sealedReflections || null, // reflections.js's: what leaves a sealed workbook
    // sealed.js's: the keys it keeps, how a content key becomes a vault, a shelf cleared, padding read
    sealed: { folders: folders, vaultOf: vaultOf, clearShelf: clearShelf, unpadded: unpadded },
    vault: null // set by sealed.js once it has opened the page: the next store.js takes it
  };
})();

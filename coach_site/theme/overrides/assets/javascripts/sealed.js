/*
 * coach-site sealed: opens a page of a sealed workbook in this browser.
 *
 * The host holds each page as ciphertext in a small shell page (coach_site/workbook/seal.py):
 * AES-256-GCM, padded to a size class (its length first, then zeros), the page's path in the
 * workbook as additional data. That path is taken from the address the shell was opened at
 * (relative to the workbook's folder; a folder's address is its index.html, and one without
 * .html, as some hosts give, is that page's), never from the shell, so a shell served under
 * another page's name opens nothing. Only the 404 page opens
 * at any address, as a host serves it wherever a page is missing. The shell speaks the
 * practice's language; the decrypted page brings the workbook's own <html lang>.
 *
 * The key comes from the link's fragment (#<43 characters>), which browsers never send to a
 * host; it is taken out of the address bar at once. A workbook with a passphrase
 * (data-iterations) derives its content key with PBKDF2 from the passphrase, salted with the
 * link's key. The content key becomes a vault (store.js's vaultOf): WebCrypto keys that
 * cannot be exported, one that opens the pages, two for what the coachee writes and one for
 * what they send their coach (a vault remembered without it, by an earlier version, is
 * made anew when a link with the key is opened). Nothing
 * of them is kept as text, in localStorage, sessionStorage or a cookie:
 *  - remembered (a link without a passphrase always; with one, when the coachee ticks
 *    "remember on this device", which is off at first): the vault itself, in IndexedDB
 *    (store.js's database, "keys"), filed under a hash of the workbook's folder, so the other
 *    pages and later visits open directly;
 *  - not remembered: for this tab only. IndexedDB keeps a random key for the folder (it cannot
 *    be exported either), and this tab's sessionStorage ("coach-site-tab:<hash>") the content
 *    key encrypted with it: the other pages open in this tab; once the tab is closed, its
 *    sessionStorage is gone and what IndexedDB holds opens nothing, so the passphrase is asked
 *    again (a browser that restores tabs after a restart restores this hold too).
 * A key an earlier version kept as text in localStorage ("coach-site-sealed:<folder>") is
 * moved into IndexedDB if it still opens the page, and removed either way. "Forget this
 * workbook on this device" (the decrypted page's footer), once confirmed, removes the keys,
 * this tab's hold and what the coachee wrote here (store.js's shelf).
 *
 * The decrypted page replaces the shell (document.open/write/close), so the theme's and the
 * workbook's scripts run as on a plain page; its store.js takes the vault from this page's
 * (coachSite.vault), in memory. Search: the index is search/search_index.js, which only
 * defines the encrypted index; the theme's request for search_index.json (or its read of
 * __index from disk) is answered with the decrypted one.
 * Runs after store.js, and starts through it (the page's ready sign); holds no words a
 * coachee reads: they are the shell's data-say-* and the footer button's data-confirm.
 */
(function () {
  "use strict";

  var EARLIER = "coach-site-sealed:"; // localStorage: where an earlier version kept the key as text
  var TAB = "coach-site-tab:"; // sessionStorage: this tab's hold on a key not remembered (ciphertext)
  var KEY_IN_LINK = /^#([A-Za-z0-9_-]{43})$/;
  var INDEX = "search/search_index.json";
  var NOT_FOUND = "404.html";
  var shell = document.getElementById("sealed");
  var block = document.getElementById("sealed-page");
  var site = window.coachSite;
  if (!shell || !block || !site) return;

  var status = shell.querySelector(".sealed-status");
  var sealed = site.sealed;
  var root = new URL(shell.getAttribute("data-root"), location.href);
  var iterations = parseInt(shell.getAttribute("data-iterations") || "0", 10);

  function say(name) {
    status.textContent = site.words(shell, "say-" + name);
  }

  function nothing() { /* kept for this page only */ }

  function utf8(text) {
    return new TextEncoder().encode(text);
  }

  function fromBase64(text) {
    var binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    var out = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
    return out;
  }

  function toBase64url(bytes) {
    var binary = "";
    for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function sha256hex(text) {
    return crypto.subtle.digest("SHA-256", utf8(text)).then(function (digest) {
      return Array.prototype.map.call(new Uint8Array(digest), function (b) {
        return ("0" + b.toString(16)).slice(-2);
      }).join("");
    });
  }

  function decrypt(key, item, where) {
    return crypto.subtle.decrypt(
      { name: "AES-GCM", iv: fromBase64(item.iv), additionalData: utf8(where) }, key, fromBase64(item.data)
    ).then(function (plain) { return new TextDecoder().decode(sealed.unpadded(plain)); });
  }

  /* Where this page is in the workbook, from the address it was opened at (a folder's address
     is its index.html); null when that address is not in the workbook's folder. */
  function pathHere() {
    try {
      var here = decodeURIComponent(location.pathname), base = decodeURIComponent(root.pathname);
      if (here.indexOf(base) !== 0) return null;
      var path = here.slice(base.length);
      return path === "" || path.slice(-1) === "/" ? path + "index.html" : path;
    } catch (error) {
      return null; // an address that is not UTF-8
    }
  }

  /* The page's HTML with this vault, or null when it does not open the shell at this address:
     sealed for this path, or the 404 page, which a host serves wherever a page is missing. */
  function tryOpen(vault) {
    var page = { iv: block.getAttribute("data-iv"), data: block.textContent.trim() };
    var here = pathHere();
    var paths = here === null || here === NOT_FOUND ? [NOT_FOUND] : [here, NOT_FOUND];
    if (here && !/\.html$/.test(here)) paths.splice(1, 0, here + ".html"); // a host's address without .html
    function attempt(i) {
      return decrypt(vault.pages, page, paths[i]).catch(function (error) {
        if (i + 1 < paths.length) return attempt(i + 1);
        throw error;
      });
    }
    return attempt(0).then(function (html) { return { html: html, vault: vault }; }, function () { return null; });
  }

  function openWith(raw) {
    return sealed.vaultOf(raw).then(tryOpen).catch(function () { return null; });
  }

  function derive(linkKey, passphrase) {
    var typed = utf8(passphrase.normalize("NFC"));
    return crypto.subtle.importKey("raw", typed, "PBKDF2", false, ["deriveBits"]).then(function (base) {
      return crypto.subtle.deriveBits(
        { name: "PBKDF2", hash: "SHA-256", salt: fromBase64(linkKey), iterations: iterations }, base, 256
      );
    }).then(function (bits) { return new Uint8Array(bits); });
  }

  /* This workbook on this device: `folder`, what its keys are filed under (a hash of its
     address, which names its token), and `token`, the hash of its token as the pages'
     data-legacy lists it (a later link of the client finds this one's notes by it). */
  function placeOf() {
    var token = root.pathname.split("/").filter(Boolean).pop() || "";
    return Promise.all([sha256hex("coach-site folder " + root.href), sha256hex(token)]).then(function (hashes) {
      return { folder: hashes[0], token: hashes[1].slice(0, 16) };
    });
  }

  function session(call, name, value) {
    try {
      return window.sessionStorage[call](name, value);
    } catch (error) {
      return null; // no sessionStorage: nothing is held for this tab
    }
  }

  /* Kept on this device: the vault, in IndexedDB; this tab's hold, if any, is no longer needed. */
  function remember(place, vault) {
    session("removeItem", TAB + place.folder);
    return sealed.folders.put(place.folder, { vault: vault, token: place.token }).catch(nothing);
  }

  /* Kept for this tab only: the content key encrypted with the folder's tab key (IndexedDB,
     made once, never exported), in this tab's sessionStorage. */
  function holdForTab(place, raw) {
    return sealed.folders.get(place.folder).then(function (record) {
      if (record && record.tab) return record.tab;
      return crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]).then(function (tab) {
        return sealed.folders.put(place.folder, { tab: tab, token: place.token }).then(function () { return tab; });
      });
    }).then(function (tab) {
      var iv = crypto.getRandomValues(new Uint8Array(12));
      return crypto.subtle.encrypt({ name: "AES-GCM", iv: iv, additionalData: utf8(place.folder) }, tab, raw)
        .then(function (data) {
          session("setItem", TAB + place.folder, toBase64url(iv) + "." + toBase64url(new Uint8Array(data)));
        });
    }).catch(nothing);
  }

  /* The key this tab holds (holdForTab), or null. */
  function fromThisTab(place, record, tried) {
    var held = session("getItem", TAB + place.folder);
    if (!held) return Promise.resolve(null);
    var parts = held.split(".");
    var opening = record && record.tab
      ? crypto.subtle.decrypt({ name: "AES-GCM", iv: fromBase64(parts[0]), additionalData: utf8(place.folder) },
        record.tab, fromBase64(parts[1] || "")).then(function (raw) { return openWith(new Uint8Array(raw)); })
      : Promise.resolve(null);
    return opening.catch(function () { return null; }).then(function (opened) {
      tried.stale = tried.stale || !opened;
      return opened;
    });
  }

  /* The key as text in localStorage, as an earlier version kept it: remembered in IndexedDB
     if it still opens the page, and taken out of localStorage either way. */
  function fromEarlierVersion(place, tried) {
    var stored = null;
    try {
      stored = window.localStorage.getItem(EARLIER + root.pathname);
      window.localStorage.removeItem(EARLIER + root.pathname);
    } catch (error) {
      return Promise.resolve(null);
    }
    if (!stored) return Promise.resolve(null);
    var raw;
    try {
      raw = fromBase64(stored);
    } catch (error) {
      tried.stale = true;
      return Promise.resolve(null);
    }
    return openWith(raw).then(function (opened) {
      if (!opened) {
        tried.stale = true; // a key that does not open it: dropped all the same, never kept as text
        return null;
      }
      return remember(place, opened.vault).then(function () { return opened; });
    });
  }

  /* The page opened with what this device keeps: a key of an earlier version, the vault
     remembered, or this tab's hold; null when none opens it (`tried.stale`: one was there).
     A kept key that does not open this shell stays kept: the shell may be at another page's
     address; a link whose key opens the page replaces it (remember). */
  function fromDevice(place, tried) {
    return fromEarlierVersion(place, tried).then(function (opened) {
      if (opened) return opened;
      return sealed.folders.get(place.folder).catch(function () { return null; }).then(function (record) {
        if (!record || !record.vault) return fromThisTab(place, record, tried);
        return tryOpen(record.vault).then(function (remembered) {
          tried.stale = tried.stale || !remembered;
          return remembered;
        });
      });
    });
  }

  /* What this device keeps of the workbook, gone: its keys, this tab's hold, and what the
     coachee wrote (once the opened page's last writes are done). */
  function forget(place, vault) {
    var page = window.coachSite; // the opened page's store.js
    session("removeItem", TAB + place.folder);
    return (page && page.saved ? page.saved() : Promise.resolve()).then(function () {
      return Promise.all([sealed.folders.remove(place.folder), sealed.clearShelf(vault)]);
    }).catch(nothing);
  }

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  /* The decrypted search index, loaded and decrypted once, when first asked for. */
  function searchIndex(key) {
    var index = null;
    return function () {
      index = index || loadScript(shell.getAttribute("data-index")).then(function () {
        return decrypt(key, window.__sealedIndex, INDEX);
      });
      return index;
    };
  }

  /* The theme asks for search/search_index.json with XMLHttpRequest: that one request is
     answered here, from the decrypted index; every other request goes out as usual. */
  function answerSearch(index) {
    var Base = window.XMLHttpRequest;
    var wanted = new URL(INDEX, root).href;
    function respond(request, text) {
      var values = { readyState: 4, status: 200, statusText: "OK", responseText: text,
        response: request.responseType === "blob" ? new Blob([text], { type: "application/json" }) : text };
      Object.keys(values).forEach(function (name) {
        Object.defineProperty(request, name, { value: values[name], configurable: true });
      });
      ["readystatechange", "load", "loadend"].forEach(function (type) {
        request.dispatchEvent(type === "readystatechange" ? new Event(type) : new ProgressEvent(type));
      });
    }
    class SealedRequest extends Base {
      open(method, url) {
        this.sealedIndex = new URL(String(url), location.href).href === wanted;
        if (!this.sealedIndex) return super.open.apply(this, arguments);
      }
      send(body) {
        if (!this.sealedIndex) return super.send(body);
        var request = this;
        index().then(function (text) { respond(request, text); }, function () {
          request.dispatchEvent(new ProgressEvent("error"));
        });
      }
      setRequestHeader() {
        if (!this.sealedIndex) return super.setRequestHeader.apply(this, arguments);
      }
    }
    window.XMLHttpRequest = SealedRequest;
  }

  /* The forget action in the decrypted page's footer (asked first: it deletes what the
     coachee wrote here too), and a #section of the link. */
  function afterShown(place, vault) {
    var button = document.querySelector("[data-sealed-forget]");
    if (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        if (!window.confirm(button.getAttribute("data-confirm") || button.textContent.trim())) return;
        button.disabled = true;
        forget(place, vault).then(function () { location.reload(); });
      });
    }
    var target = location.hash.length > 1 && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target) target.scrollIntoView();
  }

  function show(opened, place) {
    var index = searchIndex(opened.vault.pages);
    answerSearch(index);
    site.vault = opened.vault; // for the opened page's store.js: what the coachee writes is kept with it
    var ready = location.protocol === "file:" // from disk the theme reads __index, from its own script
      ? index().then(function (text) { window.__index = JSON.parse(text); }, function () {})
      : Promise.resolve();
    return ready.then(function () {
      document.open();
      document.write(opened.html);
      document.close();
      var then = afterShown.bind(null, place, opened.vault);
      if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", then);
      else then();
    });
  }

  /* The passphrase's form, with "remember on this device" (off until ticked): remembered, the
     vault is kept in IndexedDB; otherwise the key is held for this tab only. */
  function askPassphrase(place, linkKey) {
    var form = site.element("form", "sealed-form");
    var label = site.element("label", "sealed-label", site.words(shell, "say-passphrase-label"));
    var input = document.createElement("input");
    var row = site.element("div", "sealed-remember");
    var keep = document.createElement("input");
    var keepLabel = site.element("label", null, site.words(shell, "say-remember"));
    var button = site.element("button", "sealed-button", site.words(shell, "say-passphrase-button"));
    label.htmlFor = input.id = "sealed-passphrase";
    input.type = "password";
    input.autocomplete = "current-password";
    input.required = true;
    keepLabel.htmlFor = keep.id = "sealed-remember";
    keep.type = "checkbox";
    keep.checked = false;
    row.append(keep, keepLabel);
    button.type = "submit";
    form.append(label, input, row, button);
    shell.insertBefore(form, status);
    status.textContent = ""; // nothing is opening until the passphrase is typed
    input.focus();
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      button.disabled = true;
      say("opening");
      derive(linkKey, input.value).then(function (raw) {
        return openWith(raw).then(function (opened) {
          if (!opened) {
            say("passphrase-wrong");
            button.disabled = false;
            input.select();
            return;
          }
          var kept = keep.checked ? remember(place, opened.vault) : holdForTab(place, raw);
          return kept.then(function () {
            raw.fill(0);
            return show(opened, place);
          });
        });
      });
    });
  }

  function open() {
    if (!window.crypto || !crypto.subtle || !window.TextEncoder) return say("no-crypto");
    var inLink = KEY_IN_LINK.exec(location.hash);
    if (inLink) history.replaceState(history.state, "", location.pathname + location.search);
    var tried = { stale: false };
    return placeOf().then(function (place) {
      return fromDevice(place, tried).then(function (opened) {
        // A vault an earlier version remembered has no key to seal reflections with: a link
        // that carries the key renews it (with a passphrase, once it is typed again).
        if (opened && (opened.vault.reflections || !inLink)) return show(opened, place);
        if (!inLink) return say(tried.stale ? "wrong-key" : "no-key");
        if (iterations) return askPassphrase(place, inLink[1]);
        var raw = fromBase64(inLink[1]);
        return openWith(raw).then(function (fromLink) {
          if (!fromLink) return opened ? show(opened, place) : say("wrong-key");
          return remember(place, fromLink.vault).then(function () { return show(fromLink, place); });
        });
      });
    });
  }

  /* Ready (store.js) once a message or the passphrase's form shows; an opened page replaces
     this shell, and its own scripts say when it is ready. */
  site.start(function () {
    say("opening");
    return open();
  });
})();

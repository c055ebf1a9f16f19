/*
 * coach-site sealed: opens a page of a sealed workbook in this browser.
 *
 * The host holds each page as ciphertext in a small shell page (coach_site/workbook/seal.py):
 * AES-256-GCM, padded to a size class (its length first, then zeros), the page's path in the
 * workbook as additional data. That path is taken from the address the shell was opened at
 * (relative to the workbook's folder; a folder's address is its index.html, and one without
 * .html, as some hosts give, is that page's), never from the shell, so a shell served under
 * another page's name opens nothing. Only the 404 page opens
 * at any address, as a host serves it wherever a page is missing. The key comes from the
 * link's fragment (#<43 characters>), which browsers never send to a host; it is taken out
 * of the address bar at once and kept in this browser's storage under
 * "coach-site-sealed:<workbook folder>", so the other pages and later visits open directly.
 * A workbook with a passphrase (data-iterations) derives its content key with PBKDF2 from
 * the passphrase typed once per device; only the derived key is kept, never the passphrase.
 *
 * The decrypted page replaces the shell (document.open/write/close), so the theme's and the
 * workbook's scripts run as on a plain page. Search: the index is search/search_index.js,
 * which only defines the encrypted index; the theme's request for search_index.json (or its
 * read of __index from disk) is answered with the decrypted one.
 * Runs after store.js, and starts through it (the page's ready sign); holds no words a
 * coachee reads: they are the shell's data-say-*.
 */
(function () {
  "use strict";

  var SEALED = "coach-site-sealed:";
  var KEY_IN_LINK = /^#([A-Za-z0-9_-]{43})$/;
  var INDEX = "search/search_index.json";
  var NOT_FOUND = "404.html";
  var shell = document.getElementById("sealed");
  var block = document.getElementById("sealed-page");
  var site = window.coachSite;
  if (!shell || !block || !site) return;

  var status = shell.querySelector(".sealed-status");
  var store = site.storage();
  var root = new URL(shell.getAttribute("data-root"), location.href);
  var storeKey = SEALED + root.pathname;
  var iterations = parseInt(shell.getAttribute("data-iterations") || "0", 10);

  function say(name) {
    status.textContent = site.words(shell, "say-" + name);
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

  /* What seal.py padded: its length (4 bytes, big-endian), then it, then zeros. */
  function unpadded(buffer) {
    var bytes = new Uint8Array(buffer);
    var length = new DataView(buffer).getUint32(0);
    if (length > bytes.length - 4) throw new RangeError(); // shorter than its length: not ours
    return bytes.subarray(4, 4 + length);
  }

  function decrypt(key, item, where) {
    return crypto.subtle.decrypt(
      { name: "AES-GCM", iv: fromBase64(item.iv), additionalData: new TextEncoder().encode(where) },
      key, fromBase64(item.data)
    ).then(function (plain) { return new TextDecoder().decode(unpadded(plain)); });
  }

  function importKey(raw) {
    return crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["decrypt"]);
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

  /* The page's HTML with this content key, or null when it does not open the shell at this
     address: sealed for this path, or the 404 page, which a host serves wherever a page is missing. */
  function tryOpen(raw) {
    var page = { iv: block.getAttribute("data-iv"), data: block.textContent.trim() };
    var here = pathHere();
    var paths = here === null || here === NOT_FOUND ? [NOT_FOUND] : [here, NOT_FOUND];
    if (here && !/\.html$/.test(here)) paths.splice(1, 0, here + ".html"); // a host's address without .html
    function attempt(key, i) {
      return decrypt(key, page, paths[i]).catch(function (error) {
        if (i + 1 < paths.length) return attempt(key, i + 1);
        throw error;
      });
    }
    return importKey(raw).then(function (key) {
      return attempt(key, 0).then(function (html) { return { html: html, key: key }; });
    }).catch(function () { return null; });
  }

  function derive(linkKey, passphrase) {
    var typed = new TextEncoder().encode(passphrase.normalize("NFC"));
    return crypto.subtle.importKey("raw", typed, "PBKDF2", false, ["deriveBits"]).then(function (base) {
      return crypto.subtle.deriveBits(
        { name: "PBKDF2", hash: "SHA-256", salt: fromBase64(linkKey), iterations: iterations }, base, 256
      );
    }).then(function (bits) { return new Uint8Array(bits); });
  }

  function keep(raw) {
    try { if (store) store.setItem(storeKey, toBase64url(raw)); } catch (error) { /* kept for this page only */ }
  }

  function forget() {
    if (store) store.removeItem(storeKey);
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

  /* The forget action in the decrypted page's footer, and a #section of the link. */
  function afterShown() {
    var button = document.querySelector("[data-sealed-forget]");
    if (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        forget();
        location.reload();
      });
    }
    var target = location.hash.length > 1 && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target) target.scrollIntoView();
  }

  function show(opened) {
    var index = searchIndex(opened.key);
    answerSearch(index);
    var ready = location.protocol === "file:"  // from disk the theme reads __index, from its own script
      ? index().then(function (text) { window.__index = JSON.parse(text); }, function () {})
      : Promise.resolve();
    return ready.then(function () {
      document.open();
      document.write(opened.html);
      document.close();
      if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", afterShown);
      else afterShown();
    });
  }

  function askPassphrase(linkKey) {
    var form = site.element("form", "sealed-form");
    var label = site.element("label", "sealed-label", site.words(shell, "say-passphrase-label"));
    var input = document.createElement("input");
    var button = site.element("button", "sealed-button", site.words(shell, "say-passphrase-button"));
    label.htmlFor = input.id = "sealed-passphrase";
    input.type = "password";
    input.autocomplete = "current-password";
    input.required = true;
    button.type = "submit";
    form.append(label, input, button);
    shell.insertBefore(form, status);
    status.textContent = "";  // nothing is opening until the passphrase is typed
    input.focus();
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      button.disabled = true;
      say("opening");
      derive(linkKey, input.value).then(function (raw) {
        return tryOpen(raw).then(function (opened) {
          if (!opened) {
            say("passphrase-wrong");
            button.disabled = false;
            input.select();
            return;
          }
          keep(raw);
          return show(opened);
        });
      });
    });
  }

  function open() {
    if (!window.crypto || !crypto.subtle || !window.TextEncoder) return say("no-crypto");
    var inLink = KEY_IN_LINK.exec(location.hash);
    if (inLink) history.replaceState(history.state, "", location.pathname + location.search);
    var stored = store && store.getItem(storeKey);
    var tried = stored ? tryOpen(fromBase64(stored)) : Promise.resolve(null);
    return tried.then(function (opened) {
      if (opened) return show(opened);
      if (stored) forget();  // a key that no longer opens it (the workbook was rotated)
      if (!inLink) return say(stored ? "wrong-key" : "no-key");
      if (iterations) return askPassphrase(inLink[1]);
      return tryOpen(fromBase64(inLink[1])).then(function (fromLink) {
        if (!fromLink) return say("wrong-key");
        keep(fromBase64(inLink[1]));
        return show(fromLink);
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

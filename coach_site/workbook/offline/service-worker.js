/*
 * coach-site offline: after one visit, this workbook opens with no connection.
 *
 * Written into the workbook's folder at build time (coach_site/workbook/offline.py), after
 * `var PRECACHE = {...}`: every file of this workbook, by its path from the folder, with its
 * content hash, and `PRECACHE_VERSION`, a hash of them all. Registered by store.js for the
 * workbook's own folder only, so it sees no other client's requests; its cache is named after
 * that folder and the version, so two workbooks on one host never share a cache, and a
 * rebuilt workbook fills a new one (the old one goes once the new one is complete).
 *
 * Pages are asked of the network first, so an online visit always shows what the coach
 * published, and from the cache when there is no connection. Every other file has a content
 * hash in its name, or is listed with one, and comes from the cache first. A sealed workbook
 * holds only ciphertext (its shells and encrypted index): this caches what the host serves.
 * When a new version replaces an older one, each open page is told (`coach-site-updated`),
 * and says so. No words here: the page holds them.
 */
"use strict";

var PREFIX = "coach-site:" + self.registration.scope + ":";
var CACHE = PREFIX + PRECACHE_VERSION;

function inScope(url) {
  return url.indexOf(self.registration.scope) === 0;
}

self.addEventListener("install", function (event) {
  var urls = Object.keys(PRECACHE).map(function (path) { return new URL(path, self.registration.scope).href; });
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    // "reload": the files as the host has them now, not as the browser's HTTP cache kept them
    return cache.addAll(urls.map(function (url) { return new Request(url, { cache: "reload" }); }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    var older = names.filter(function (name) { return name.indexOf(PREFIX) === 0 && name !== CACHE; });
    return Promise.all(older.map(function (name) { return caches.delete(name); })).then(function () {
      return self.clients.claim();
    }).then(function () {
      if (!older.length) return null;
      return self.clients.matchAll({ type: "window" }).then(function (windows) {
        windows.forEach(function (client) { client.postMessage({ type: "coach-site-updated" }); });
      });
    });
  }));
});

/* A folder's address is its index.html; the query and the fragment name no other file. */
function cachedPath(url) {
  var clean = url.split("#")[0].split("?")[0];
  return clean.charAt(clean.length - 1) === "/" ? clean + "index.html" : clean;
}

function fromCache(url) {
  return caches.open(CACHE).then(function (cache) { return cache.match(cachedPath(url)); });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || !inScope(request.url)) return;
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(function () {
      return fromCache(request.url).then(function (cached) {
        return cached || fromCache(self.registration.scope + "404.html").then(function (missing) {
          return missing || Response.error();
        });
      });
    }));
    return;
  }
  event.respondWith(fromCache(request.url).then(function (cached) { return cached || fetch(request); }));
});

{% load static %}/* OpenIPT service worker: keeps the offline app's shell on the tablet, and nothing else.
 *
 * Only the app shell is cached (the page /offline/app/, its script and styles, the manifest and
 * icons). No other page and no answer of the server is ever cached or touched: the groups live in
 * the tablet's encrypted store (openipt/offline/static/offline/app.js), not here. The shell is
 * fetched from the server first, so it stays up to date, and the kept copy is used when the server
 * cannot be reached.
 */
"use strict";
var CACHE = "openipt-offline-shell-1";
var SHELL = [
  "/offline/app/",
  "{% static 'offline/app.js' %}",
  "{% static 'offline/app.css' %}",
  "{% static 'openipt/css/openipt.css' %}",
  "{% static 'groups/groups.css' %}",
  "{% static 'offline/icon.svg' %}",
  "{% static 'offline/icon-192.png' %}",
  "{% static 'offline/icon-512.png' %}",
  "/manifest.webmanifest"
];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    // Each file on its own: one missing icon must not stop the app from being kept.
    return Promise.all(SHELL.map(function (url) {
      return fetch(url, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
        if (response.ok) { return cache.put(url, response); }
        return null;
      }).catch(function () { return null; });
    }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n.indexOf("openipt-offline-") === 0 && n !== CACHE; })
      .map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin || SHELL.indexOf(url.pathname) < 0) { return; }
  var path = url.pathname;
  event.respondWith(fetch(request, { cache: "no-store" }).then(function (response) {
    if (response.ok && response.type === "basic") {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { return cache.put(path, copy); });
    }
    return response;
  }).catch(function () {
    return caches.open(CACHE).then(function (cache) { return cache.match(path); }).then(function (kept) {
      return kept || Response.error();
    });
  }));
});

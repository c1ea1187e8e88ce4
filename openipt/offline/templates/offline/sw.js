/* OpenIPT offline app: the service worker caches only the app shell (placeholder; the tablet branch fills it in). */
"use strict";
self.addEventListener("install", function (event) { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

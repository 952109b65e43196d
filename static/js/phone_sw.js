/* The phone's service worker, served at /w/sw.js for the scope /w/: a phone that reloads
 * its page without network still gets the page and its scripts, from the copies the page
 * itself put in the cache (participant.js, keepPageForOffline). The page goes to the
 * network first (it changes: another person on a shared device, a new language); the
 * versioned assets (?v=<hash>) come from the cache first (a new version has a new URL).
 * Socket.IO and everything else go to the network untouched. */
"use strict";

const CACHE = "facilitator-phone-v1";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith("/socket.io")) return;
  if (request.mode === "navigate") event.respondWith(pageOrCopy(request));
  else if (url.searchParams.has("v")) event.respondWith(copyOrNetwork(request));
});

/** The page from the network; without network, the copy kept of it, if any. */
async function pageOrCopy(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const cache = await caches.open(CACHE);
    const copy = await cache.match(request, { ignoreSearch: true });
    if (copy) return copy;
    throw error;
  }
}

async function copyOrNetwork(request) {
  const cache = await caches.open(CACHE);
  return (await cache.match(request)) || fetch(request);
}

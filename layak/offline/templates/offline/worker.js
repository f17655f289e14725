// Layak's service worker: keeps the offline page and its files so the page opens without a
// connection. The page itself keeps the person's items and changes in IndexedDB.
"use strict";
var CACHE = "layak-offline-{{ version }}";
var PAGE = "{{ page|escapejs }}";
var ASSETS = [{% for url in assets %}"{{ url|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}];

// One file by one, and a file that does not come (the signal dropped) does not stop the
// worker: it is kept the next time the page uses it.
function keep(cache, url) {
  return fetch(url, { credentials: "same-origin" }).then(function (response) {
    if (response.ok) return cache.put(url, response);
  }).catch(function () {});
}

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return ASSETS.reduce(function (done, url) {
        return done.then(function () { return keep(cache, url); });
      }, Promise.resolve());
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (key) {
        return key.indexOf("layak-offline-") === 0 && key !== CACHE;
      }).map(function (key) { return caches.delete(key); }));
    }).then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === PAGE) {
    // The page from the network when there is one (fresh items, fresh session), kept for the
    // times without; a sign-in page met on the way is never kept in its place.
    event.respondWith(
      fetch(request).then(function (response) {
        if (response.ok && !response.redirected) {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) { cache.put(PAGE, copy); });
        }
        return response;
      }).catch(function () {
        return caches.open(CACHE).then(function (cache) { return cache.match(PAGE, { ignoreVary: true }); })
          .then(function (kept) { return kept || Response.error(); });
      })
    );
    return;
  }
  if (ASSETS.indexOf(url.pathname) !== -1) {
    event.respondWith(
      caches.open(CACHE).then(function (cache) {
        return cache.match(url.pathname, { ignoreVary: true }).then(function (kept) {
          return kept || fetch(request).then(function (response) {
            if (response.ok) cache.put(url.pathname, response.clone());
            return response;
          });
        });
      })
    );
  }
});

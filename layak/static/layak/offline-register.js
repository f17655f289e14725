// On every page of a person who works from a phone: installs the service worker of the offline
// page (so Layak can be installed as an app), and on sign-out removes what the offline page
// kept on this device, asking first when changes are still waiting to be sent (and saying,
// without a signal, that signing out needs a connection).
(function () {
  "use strict";
  var script = document.currentScript;
  var worker = script && script.dataset.worker;
  if (worker && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(worker, { scope: script.dataset.scope }).catch(function () {});
  }

  function waitingCount() {
    return new Promise(function (resolve) {
      if (!window.indexedDB) return resolve(0);
      var open = indexedDB.open("layak-offline");
      open.onupgradeneeded = function () { open.transaction.abort(); };
      open.onerror = function () { resolve(0); };
      open.onsuccess = function () {
        var db = open.result;
        if (!db.objectStoreNames.contains("queue")) { db.close(); return resolve(0); }
        var count = db.transaction("queue").objectStore("queue").count();
        count.onsuccess = function () { db.close(); resolve(count.result); };
        count.onerror = function () { db.close(); resolve(0); };
      };
    });
  }

  function forget() {
    var steps = [new Promise(function (resolve) {
      if (!window.indexedDB) return resolve();
      var request = indexedDB.deleteDatabase("layak-offline");
      request.onsuccess = request.onerror = request.onblocked = function () { resolve(); };
    })];
    if (window.caches) {
      steps.push(caches.keys().then(function (keys) {
        return Promise.all(keys.filter(function (key) {
          return key.indexOf("layak-offline-") === 0;
        }).map(function (key) { return caches.delete(key); }));
      }).catch(function () {}));
    }
    return Promise.all(steps);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-offline-signout]") || form.dataset.cleared) return;
    event.preventDefault();
    // Signing out needs the server: without a signal the person is told so, and nothing of
    // the work on the phone is touched.
    if (!navigator.onLine) {
      window.alert(form.dataset.offlineSignoutNoSignal);
      return;
    }
    waitingCount().then(function (n) {
      if (n && !window.confirm(form.dataset.offlineSignout)) return;
      return forget().then(function () {
        form.dataset.cleared = "1";
        form.submit();
      });
    });
  });
})();

// The phone page for work without a connection (layak/offline). The person's open items and
// the changes they make are kept in IndexedDB, so they survive closing the browser and
// restarting the phone; changes are sent in the order they were made, through the same checks
// as a save made online, once there is a connection. No inline script: the page's settings and
// words come from a JSON block the server renders in the reader's language.
(function () {
  "use strict";

  var root = document.getElementById("offline-app");
  var configNode = document.getElementById("offline-config");
  if (!root || !configNode) return;
  var config = JSON.parse(configNode.textContent);
  var T = config.strings;

  // A moment as the pages show it: in the district's time zone, named ("6 Des 2026, 18.25 WIB"),
  // whatever zone the phone is set to.
  function formatWhen(iso) {
    var text = new Date(iso).toLocaleString(document.documentElement.lang || undefined, {
      dateStyle: "medium", timeStyle: "short", timeZone: config.timeZone
    });
    return config.zoneName ? text + " " + config.zoneName : text;
  }
  var DB_NAME = "layak-offline";
  var csrf = null;
  var sending = false;
  var current = null; // the id of the item shown, or null for the list
  var items = [];
  var queue = [];
  var lastMessage = "";

  function t(key, values) {
    var text = T[key] || key;
    Object.keys(values || {}).forEach(function (name) {
      text = text.split("%(" + name + ")s").join(String(values[name]));
    });
    return text;
  }

  // ---- IndexedDB ------------------------------------------------------------------------

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        var db = request.result;
        db.createObjectStore("meta");
        db.createObjectStore("items", { keyPath: "id" });
        db.createObjectStore("queue", { keyPath: "seq", autoIncrement: true });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }
  var dbPromise = openDb();

  function run(stores, mode, work) {
    return dbPromise.then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(stores, mode);
        var result;
        tx.oncomplete = function () { resolve(result); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error); };
        result = work(tx);
      });
    });
  }
  function request(req) {
    return new Promise(function (resolve, reject) {
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function readAll() {
    var out = {};
    return run(["meta", "items", "queue"], "readonly", function (tx) {
      request(tx.objectStore("items").getAll()).then(function (v) { out.items = v; });
      request(tx.objectStore("queue").getAll()).then(function (v) { out.queue = v; });
      request(tx.objectStore("meta").get("user")).then(function (v) { out.user = v; });
      request(tx.objectStore("meta").get("loadedAt")).then(function (v) { out.loadedAt = v; });
    }).then(function () { return out; });
  }
  function wipe() {
    return run(["meta", "items", "queue"], "readwrite", function (tx) {
      tx.objectStore("meta").clear();
      tx.objectStore("items").clear();
      tx.objectStore("queue").clear();
    });
  }
  function putEntry(entry) {
    return run(["queue"], "readwrite", function (tx) { tx.objectStore("queue").put(entry); });
  }
  function deleteEntry(seq) {
    return run(["queue"], "readwrite", function (tx) { tx.objectStore("queue").delete(seq); });
  }
  function putItem(item) {
    return run(["items"], "readwrite", function (tx) { tx.objectStore("items").put(item); });
  }

  function reload() {
    return readAll().then(function (data) {
      items = (data.items || []).sort(function (a, b) { return a.pos - b.pos; });
      queue = (data.queue || []).sort(function (a, b) { return a.seq - b.seq; });
      root.dataset.loadedAt = data.loadedAt || "";
      render();
    });
  }

  // ---- taking the work along ------------------------------------------------------------

  function loadPackage() {
    return fetch(config.package, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.status === 401) throw new Error("signed_out");
        if (!response.ok) throw new Error("failed");
        return response.json();
      })
      .then(function (data) {
        csrf = data.csrf;
        return run(["meta", "items", "queue"], "readwrite", function (tx) {
          var store = tx.objectStore("items");
          var fresh = {};
          data.items.forEach(function (item, pos) {
            item.pos = pos;
            fresh[item.id] = true;
            store.put(item);
          });
          // An item no longer open (its stage closed, it was submitted) leaves the phone,
          // unless a change of it still waits here: the person must see what became of it.
          request(tx.objectStore("queue").getAll()).then(function (entries) {
            var kept = {};
            entries.forEach(function (e) { kept[e.answer] = true; });
            request(store.getAll()).then(function (old) {
              old.forEach(function (item) {
                if (!fresh[item.id] && !kept[item.id]) store.delete(item.id);
                else if (!fresh[item.id] && item.pos < 1e6) { item.pos = 1e6 + item.pos; store.put(item); }
              });
            });
          });
          tx.objectStore("meta").put(config.user, "user");
          tx.objectStore("meta").put(new Date().toISOString(), "loadedAt");
        });
      });
  }

  // ---- what waits on the phone ----------------------------------------------------------

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }
  function itemById(id) {
    for (var i = 0; i < items.length; i++) if (items[i].id === id) return items[i];
    return null;
  }
  function pendingAnswer(id) {
    for (var i = 0; i < queue.length; i++) {
      if ((queue[i].kind === "answer" || queue[i].kind === "score") && queue[i].answer === id) return queue[i];
    }
    return null;
  }
  function photosOf(id) {
    return queue.filter(function (e) { return (e.kind === "photo" || e.kind === "field_photo") && e.answer === id; });
  }
  function stateOf(id) {
    var states = queue.filter(function (e) { return e.answer === id; }).map(function (e) { return e.status; });
    if (states.indexOf("refused") !== -1) return "refused";
    if (states.indexOf("conflict") !== -1) return "conflict";
    if (states.length) return "waiting";
    return "";
  }

  function formFields(form) {
    var fields = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "file" || el.type === "submit" || el.type === "button") return;
      if (el.type === "radio") {
        if (el.checked) fields[el.name] = el.value;
        else if (!(el.name in fields)) fields[el.name] = "";
      } else if (el.type === "checkbox") {
        fields[el.name] = fields[el.name] || [];
        if (el.checked) fields[el.name].push(el.value);
      } else {
        fields[el.name] = el.value;
      }
    });
    return fields;
  }

  function describe(item, fields) {
    if (item.mode === "field") {
      if (fields.decision === "agree") return T.agree;
      if (fields.decision !== "adjust") return "—";
      return T.adjusted + ": " + (fields.points || "—") + (fields.reason ? " — " + fields.reason : "");
    }
    var labels = {};
    item.options.forEach(function (o) { labels[o.id] = o.label; });
    var parts = [];
    if (fields.option) parts.push(labels[fields.option] || "?");
    if (fields.options && fields.options.length) parts.push(fields.options.map(function (o) { return labels[o] || "?"; }).join(", "));
    if (fields.number) parts.push(fields.number + (item.kind === "percentage" ? "%" : ""));
    if (fields.text) parts.push(fields.text);
    Object.keys(fields).forEach(function (key) {
      if (key.indexOf("cell-") === 0 && fields[key]) {
        var rc = key.split("-");
        parts.push(item.rows[+rc[1]] + " / " + item.columns[+rc[2]] + ": " + fields[key]);
      }
    });
    return parts.join("; ") || "—";
  }

  // The stored fields in the order and shape the form gives them.
  function comparable(item) {
    var form = document.querySelector("form.offline-form");
    var shaped = {};
    Array.prototype.forEach.call(form ? form.elements : [], function (el) {
      if (!el.name || el.type === "file" || el.type === "submit" || el.type === "button" || el.name === "note") return;
      if (el.type === "checkbox") shaped[el.name] = (item.fields[el.name] || []).slice();
      else shaped[el.name] = item.fields[el.name] === undefined ? "" : item.fields[el.name];
    });
    return shaped;
  }

  // A change sent again on top of the version the phone now knows.
  function rebase(entry, item) {
    if (entry.kind === "score") entry.seen = item.seen;
    else entry.revision = item.revision;
  }

  function keepAnswer(item, form) {
    var fields = formFields(form);
    var note = fields.note || "";
    delete fields.note;
    var entry = pendingAnswer(item.id);
    if (!entry && JSON.stringify(fields) === JSON.stringify(comparable(item)) && note === item.note) {
      return Promise.resolve(false); // nothing changed
    }
    entry = entry || (item.mode === "field"
      ? { kind: "score", answer: item.id, seen: item.seen }
      : { kind: "answer", answer: item.id, revision: item.revision });
    // After a conflict the person has seen their version: the change now starts from it.
    if (entry.status === "conflict") rebase(entry, item);
    entry.client_id = uuid();
    entry.made_at = new Date().toISOString();
    entry.fields = fields;
    entry.note = note;
    entry.shown = describe(item, fields);
    entry.status = "waiting";
    entry.message = "";
    return putEntry(entry).then(function () { return true; });
  }

  function thumbnail(blob) {
    if (!window.createImageBitmap) return Promise.resolve("");
    return createImageBitmap(blob).then(function (bitmap) {
      var scale = Math.min(1, 240 / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(bitmap.width * scale));
      canvas.height = Math.max(1, Math.round(bitmap.height * scale));
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return canvas.toDataURL("image/jpeg", 0.7);
    }).catch(function () { return ""; });
  }

  function place() {
    if (!navigator.geolocation) return Promise.resolve(null);
    return new Promise(function (resolve) {
      navigator.geolocation.getCurrentPosition(
        function (pos) {
          resolve({
            latitude: pos.coords.latitude.toFixed(6),
            longitude: pos.coords.longitude.toFixed(6),
            accuracy: Math.round(pos.coords.accuracy || 0)
          });
        },
        function () { resolve(null); },
        { timeout: 8000, maximumAge: 60000 }
      );
    });
  }

  function keepPhoto(item, file) {
    var takenAt = new Date().toISOString();
    if (file.size > config.photoMax) {
      lastMessage = t("photo_too_big");
      render();
      return Promise.resolve();
    }
    return Promise.all([file.arrayBuffer(), place()]).then(function (got) {
      var blob = new Blob([got[0]], { type: file.type || "image/jpeg" });
      return thumbnail(blob).then(function (thumb) {
        var stamp = takenAt.replace(/[-:]/g, "").slice(0, 15);
        var ext = (file.type === "image/png") ? "png" : "jpg";
        return putEntry({
          kind: item.mode === "field" ? "field_photo" : "photo",
          answer: item.id,
          client_id: uuid(),
          made_at: takenAt,
          taken_at: takenAt,
          place: got[1],
          blob: blob,
          name: "foto-" + item.code + "-" + stamp + "." + ext,
          thumb: thumb,
          status: "waiting",
          message: ""
        });
      });
    });
  }

  // ---- sending ---------------------------------------------------------------------------

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, Accept: "application/json" },
      body: body
    });
  }

  function bodyOf(entry) {
    var body = new FormData();
    body.append("client_id", entry.client_id);
    body.append("made_at", entry.made_at);
    if (entry.kind === "score") {
      body.append("seen", entry.seen);
      Object.keys(entry.fields).forEach(function (name) { body.append(name, entry.fields[name]); });
    } else if (entry.kind === "answer") {
      body.append("revision", String(entry.revision));
      body.append("note", entry.note || "");
      Object.keys(entry.fields).forEach(function (name) {
        var value = entry.fields[name];
        if (Array.isArray(value)) value.forEach(function (v) { body.append(name, v); });
        else body.append(name, value);
      });
    } else {
      body.append("taken_at", entry.taken_at);
      if (entry.place) {
        body.append("latitude", entry.place.latitude);
        body.append("longitude", entry.place.longitude);
        body.append("accuracy", String(entry.place.accuracy));
      }
      body.append("file", entry.blob, entry.name);
    }
    return body;
  }

  function urlOf(entry) {
    var base = { answer: config.answer, photo: config.photo, score: config.score, field_photo: config.fieldPhoto }[entry.kind];
    return base.replace("/0/", "/" + entry.answer + "/");
  }

  function sendOne(entry) {
    return post(urlOf(entry), bodyOf(entry)).then(function (response) {
      if (response.status === 401 || response.status === 403) throw new Error("signed_out");
      if (response.status === 404) return { status: "refused", message: t("not_found") };
      return response.json();
    }).then(function (result) {
      if (result.status === "saved") {
        var item = itemById(entry.answer);
        result.item.pos = item ? item.pos : 1e6;
        return deleteEntry(entry.seq).then(function () {
          return putItem(result.item);
        }).then(function () {
          // My own change raised the answer's revision: an answer still waiting for the same
          // item started from the revision before it, and now from this one.
          var before = result.revision_before;
          var waiting = pendingAnswer(entry.answer);
          if (waiting && waiting.seq !== entry.seq && before !== undefined && waiting.revision === before) {
            waiting.revision = result.item.revision;
            return putEntry(waiting);
          }
        });
      }
      entry.status = result.status === "conflict" ? "conflict" : "refused";
      entry.message = result.message || "";
      entry.mine = result.mine || "";
      if (result.item) {
        var old = itemById(entry.answer);
        result.item.pos = old ? old.pos : 1e6;
        entry.theirs = result.item.shown + (result.item.note ? " — " + T.note_inline + ": " + result.item.note : "");
        return putEntry(entry).then(function () { return putItem(result.item); });
      }
      return putEntry(entry);
    }).then(reload);
  }

  function sendAll() {
    if (sending || !navigator.onLine) return Promise.resolve();
    if (!queue.some(function (e) { return e.status === "waiting"; })) return Promise.resolve();
    sending = true;
    lastMessage = t("sending");
    render();
    var ready = csrf ? Promise.resolve() : loadPackage();
    return ready.then(function next() {
      var entry = queue.filter(function (e) { return e.status === "waiting"; })[0];
      if (!entry) return;
      return sendOne(entry).then(next);
    }).then(function () {
      lastMessage = queue.length || !navigator.onLine ? "" : t("sent_all");
    }).catch(function (error) {
      lastMessage = error && error.message === "signed_out" ? t("signed_out") : t("send_failed");
    }).then(function () {
      sending = false;
      return reload();
    });
  }

  // ---- drawing ---------------------------------------------------------------------------

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else if (attrs[key] === true) node.setAttribute(key, "");
      else if (attrs[key] !== false && attrs[key] !== null && attrs[key] !== undefined) node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  function renderBar() {
    root.querySelector("[data-testid=net-state]").textContent = navigator.onLine ? T.online : T.offline;
    root.classList.toggle("is-offline", !navigator.onLine);
    // Only what really waits is counted as waiting; conflicts and refusals wait for the person.
    var count = queue.filter(function (e) { return e.status === "waiting"; }).length;
    var waiting = root.querySelector("[data-testid=waiting]");
    waiting.textContent = count ? t("waiting", { n: count }) : T.nothing_waiting;
    waiting.dataset.count = String(count);
    var problems = queue.length - count;
    var action = root.querySelector("[data-testid=needs-action]");
    action.textContent = problems ? t("needs_action", { n: problems }) : "";
    action.hidden = !problems;
    var button = root.querySelector("[data-testid=send-now]");
    button.disabled = !navigator.onLine || sending || !queue.some(function (e) { return e.status === "waiting"; });
    var loaded = root.dataset.loadedAt;
    var message = lastMessage;
    if (!message && !loaded) message = T.never_loaded;
    if (!message && loaded) {
      message = t("loaded_at", { when: formatWhen(loaded) });
    }
    root.querySelector("[data-testid=sync-message]").textContent = message;
  }

  function renderList() {
    var list = root.querySelector("[data-testid=item-list]");
    list.textContent = "";
    if (!items.length) {
      list.appendChild(el("p", { class: "muted", text: root.dataset.loadedAt ? T.no_items : "" }));
    }
    // Items needing the person (a conflict, a refusal) come first, under their own heading,
    // so on a phone they are found without scrolling through every item.
    var urgent = items.filter(function (item) {
      var state = stateOf(item.id);
      return state === "refused" || state === "conflict";
    });
    if (urgent.length) {
      list.appendChild(el("h2", { "data-testid": "needs-action-heading", text: T.needs_action_heading }));
      urgent.forEach(function (item) { list.appendChild(entryButton(item)); });
    }
    var where = null;
    items.forEach(function (item) {
      if (urgent.indexOf(item) !== -1) return;
      if (item.where !== where) {
        where = item.where;
        list.appendChild(el("h2", { text: where }));
      }
      list.appendChild(entryButton(item));
    });
  }

  function entryButton(item) {
    var state = stateOf(item.id);
    return el("button", {
      type: "button", class: "offline-entry" + (state ? " state-" + state : ""),
      "data-testid": "item", "data-code": item.code, "data-open": String(item.id)
    }, [
      el("span", { class: "code", text: item.code }),
      el("span", { class: "text", text: item.text }),
      el("span", { class: "answer", text: (pendingAnswer(item.id) || {}).shown || item.shown }),
      state ? el("span", { class: "badge", "data-testid": "state", "data-state": state, text: T["state_" + state] }) : null
    ]);
  }

  function field(item, fields) {
    var out = [];
    var name = "f-" + item.id;
    if (item.kind === "single" || item.kind === "yes_no" || item.kind === "multiple") {
      var multiple = item.kind === "multiple";
      item.options.forEach(function (o, i) {
        var id = name + "-" + i;
        var checked = multiple ? (fields.options || []).indexOf(o.id) !== -1 : fields.option === o.id;
        out.push(el("label", { class: "choice", for: id }, [
          el("input", { type: multiple ? "checkbox" : "radio", id: id, name: multiple ? "options" : "option", value: o.id, checked: checked }),
          el("span", { text: o.label })
        ]));
      });
      return el("fieldset", {}, [el("legend", { class: "visually-hidden", text: item.text })].concat(out));
    }
    if (item.kind === "number" || item.kind === "percentage") {
      return el("p", {}, [el("input", {
        type: "text", inputmode: "decimal", name: "number", value: fields.number || "",
        "aria-label": item.text
      })]);
    }
    if (item.kind === "table") {
      item.rows.forEach(function (row, r) {
        item.columns.forEach(function (column, c) {
          var key = "cell-" + r + "-" + c;
          out.push(el("label", { class: "cell" }, [
            el("span", { text: row + " / " + column }),
            el("input", { type: "text", inputmode: "decimal", name: key, value: fields[key] || "" })
          ]));
        });
      });
      return el("div", { class: "table-cells" }, out);
    }
    if (item.kind === "field") {
      var decision = [["agree", T.agree], ["adjust", T.adjust]].map(function (pair, i) {
        var id = name + "-d" + i;
        return el("label", { class: "choice", for: id }, [
          el("input", { type: "radio", id: id, name: "decision", value: pair[0], checked: fields.decision === pair[0] }),
          el("span", { text: pair[1] })
        ]);
      });
      var reason = el("textarea", { name: "reason", id: name + "-reason", rows: "3" });
      reason.value = fields.reason || "";
      return el("div", { class: "field-verify" }, [
        el("p", {}, [document.createTextNode(T.answered + " "), el("strong", { text: item.answered })]),
        el("p", { "data-testid": "points-before", text: t("points_before", { points: item.before, max: item.max }) }),
        el("fieldset", {}, [el("legend", { class: "visually-hidden", text: item.text })].concat(decision)),
        el("label", { for: name + "-points", text: T.points }),
        el("input", { type: "text", inputmode: "decimal", id: name + "-points", name: "points", value: fields.points || "" }),
        el("label", { for: name + "-reason", text: T.reason }),
        reason
      ]);
    }
    if (item.kind === "text") {
      var area = el("textarea", { name: "text", rows: "4", "aria-label": item.text });
      area.value = fields.text || "";
      return area;
    }
    return null;
  }

  function renderItem() {
    var view = root.querySelector("[data-testid=item-view]");
    var list = root.querySelector("[data-testid=item-list]");
    var item = current === null ? null : itemById(current);
    view.hidden = !item;
    list.hidden = !!item;
    var shown = view.querySelector("form.offline-form");
    // What the person is typing is never redrawn away (a send finishing in the background).
    if (item && shown && shown.dataset.item === String(item.id) && shown.dataset.dirty) return;
    view.textContent = "";
    if (!item) return;
    var index = items.indexOf(item);
    var pending = pendingAnswer(item.id);
    // After a conflict the form holds their version (as online), the person's own beside it.
    var mine = pending && pending.status !== "conflict";
    var fields = mine ? pending.fields : item.fields;
    var note = el("textarea", { name: "note", id: "note-" + item.id, rows: "3" });
    note.value = mine ? pending.note : item.note;
    var problems = queue.filter(function (e) { return e.answer === item.id && e.status !== "waiting"; });
    var form = el("form", { class: "offline-form", "data-testid": "item-form", "data-code": item.code, "data-item": String(item.id) }, [
      el("p", { class: "muted", text: item.where + " · " + item.indicator }),
      el("h2", { text: item.code }),
      el("p", { class: "question", text: item.text }),
      item.help ? el("p", { class: "muted", text: item.help }) : null,
      item.return_reason ? el("p", { class: "errors", text: item.return_reason }) : null
    ].concat(problems.map(function (e) {
      // Each box says what it is about: the answer, or a photo (with its thumbnail).
      var isPhoto = e.kind === "photo" || e.kind === "field_photo";
      var box = el("div", { class: "errors", role: "alert", "data-testid": e.status, "data-kind": isPhoto ? "photo" : "answer" }, [
        isPhoto && e.thumb ? el("img", { src: e.thumb, alt: T.photo_label, width: "80", class: "problem-thumb" }) : null,
        el("p", {}, [
          el("strong", { text: (isPhoto ? T.photo_label : T.answer_label) + " " }),
          document.createTextNode((e.status === "refused" ? T.refused + " " : "") + e.message)
        ])
      ]);
      if (e.status === "conflict") {
        box.appendChild(el("p", {}, [document.createTextNode(T.conflict_mine + " "), el("strong", { "data-testid": "mine", text: e.mine || e.shown })]));
        box.appendChild(el("p", {}, [document.createTextNode(T.conflict_theirs + " "), el("strong", { "data-testid": "theirs", text: e.theirs || "" })]));
        box.appendChild(el("button", { type: "button", "data-resend": String(e.seq), text: T.send_mine }));
        box.appendChild(el("button", { type: "button", class: "secondary", "data-drop": String(e.seq), text: T.take_theirs }));
      } else {
        // Refused (a stage closed, say): kept, to send again once the window reopens.
        box.appendChild(el("button", { type: "button", "data-retry": String(e.seq), text: T.retry }));
        box.appendChild(el("button", { type: "button", class: "secondary", "data-drop": String(e.seq), "data-confirm": "1", text: T.remove }));
      }
      return box;
    })).concat([
      field(item, fields),
      item.mode === "field" ? null : el("label", { for: "note-" + item.id, text: T.note }),
      item.mode === "field" ? null : note,
      item.evidence.length ? el("p", { class: "muted", text: T.evidence + ": " + item.evidence.join(", ") }) : null,
      el("div", { class: "thumbs" }, photosOf(item.id).map(function (p) {
        var lang = document.documentElement.lang || undefined;
        var when = formatWhen(p.taken_at);
        var degrees = function (v) { return Number(v).toLocaleString(lang, { minimumFractionDigits: 6, maximumFractionDigits: 6 }); };
        var caption = t("photo_taken", { when: when }) + (p.place ? " " + t("photo_place", { lat: degrees(p.place.latitude), lon: degrees(p.place.longitude) }) : "");
        return el("figure", { "data-testid": "photo", "data-state": p.status }, [
          p.thumb ? el("img", { src: p.thumb, alt: T.photo_waiting, width: "120" }) : null,
          el("figcaption", { text: caption })
        ]);
      })),
      el("label", { class: "photo-button" }, [
        el("span", { text: T.take_photo }),
        el("input", { type: "file", accept: "image/*", capture: "environment", name: "photo", "data-testid": "photo-input" })
      ]),
      el("div", { class: "offline-actions" }, [
        el("button", { type: "submit", "data-testid": "keep", text: T.save }),
        index > 0 ? el("button", { type: "button", class: "secondary", "data-open": String(items[index - 1].id), text: T.previous }) : null,
        index < items.length - 1 ? el("button", { type: "button", class: "secondary", "data-open": String(items[index + 1].id), "data-testid": "next", text: T.next }) : null,
        el("button", { type: "button", class: "secondary", "data-open": "", "data-testid": "back", text: T.back })
      ]),
      el("p", { class: "offline-message", "data-testid": "item-message", role: "status" })
    ]));
    view.appendChild(form);
  }

  function render() {
    renderBar();
    renderList();
    renderItem();
    root.dataset.ready = "1";
  }

  // ---- what the person does --------------------------------------------------------------

  function flash(text) {
    var node = root.querySelector("[data-testid=item-message]");
    if (node) node.textContent = text;
  }

  root.addEventListener("click", function (event) {
    var open = event.target.closest("[data-open]");
    if (open) {
      current = open.dataset.open ? Number(open.dataset.open) : null;
      render();
      window.scrollTo(0, 0);
      return;
    }
    var resend = event.target.closest("[data-resend]");
    if (resend) {
      var entry = queue.filter(function (e) { return e.seq === Number(resend.dataset.resend); })[0];
      var item = itemById(entry.answer);
      // Sent again on top of their version: the revision the phone now knows is theirs.
      rebase(entry, item);
      entry.client_id = uuid();
      entry.status = "waiting";
      entry.message = "";
      putEntry(entry).then(reload).then(sendAll);
      return;
    }
    var retry = event.target.closest("[data-retry]");
    if (retry) {
      var refused = queue.filter(function (e) { return e.seq === Number(retry.dataset.retry); })[0];
      refused.client_id = uuid();
      refused.status = "waiting";
      refused.message = "";
      putEntry(refused).then(reload).then(sendAll);
      return;
    }
    var drop = event.target.closest("[data-drop]");
    if (drop) {
      if (drop.dataset.confirm && !window.confirm(T.remove_confirm)) return;
      deleteEntry(Number(drop.dataset.drop)).then(reload);
      return;
    }
    if (event.target.closest("[data-testid=send-now]")) sendAll();
  });

  root.addEventListener("submit", function (event) {
    var form = event.target.closest("form.offline-form");
    if (!form) return;
    event.preventDefault();
    var item = itemById(current);
    delete form.dataset.dirty;
    keepAnswer(item, form).then(function (changed) {
      return reload().then(function () {
        if (!changed) { flash(T.no_change); return; }
        flash(T.saved_on_phone);
        return sendAll();
      });
    });
  });

  root.addEventListener("input", function (event) {
    var form = event.target.closest("form.offline-form");
    if (form) form.dataset.dirty = "1";
  });

  root.addEventListener("change", function (event) {
    var edited = event.target.closest("form.offline-form");
    if (edited && event.target.type !== "file") edited.dataset.dirty = "1";
    if (!event.target.matches("input[type=file][name=photo]")) return;
    var file = event.target.files && event.target.files[0];
    if (!file) return;
    var item = itemById(current);
    var form = event.target.closest("form");
    delete form.dataset.dirty;
    // What was typed before the photo is kept too, so the redraw loses nothing.
    keepAnswer(item, form).then(function () { return keepPhoto(item, file); }).then(reload).then(function () {
      flash(T.saved_on_phone);
      return sendAll();
    });
  });

  // ---- installing the app ----------------------------------------------------------------

  // Where the browser offers installing (beforeinstallprompt), a button asks it; once the page
  // runs as an installed app (display-mode standalone) the guidance goes.
  var install = document.querySelector("[data-testid=install]");
  var installButton = document.querySelector("[data-testid=install-button]");
  var offer = null;
  function installed() {
    return (window.matchMedia && window.matchMedia("(display-mode: standalone)").matches) || navigator.standalone === true;
  }
  if (install && installed()) install.hidden = true;
  window.addEventListener("beforeinstallprompt", function (event) {
    event.preventDefault();
    offer = event;
    if (installButton && !installed()) installButton.hidden = false;
  });
  if (installButton) {
    installButton.addEventListener("click", function () {
      if (!offer) return;
      var asked = offer;
      offer = null;
      installButton.hidden = true;
      asked.prompt();
    });
  }
  window.addEventListener("appinstalled", function () { if (install) install.hidden = true; });

  window.addEventListener("online", function () { render(); sendAll(); });
  // Without a signal nothing is claimed as sent: an earlier "everything has been sent" goes.
  window.addEventListener("offline", function () { lastMessage = ""; render(); });

  // ---- start -----------------------------------------------------------------------------

  readAll().then(function (data) {
    // Another person's work never shows: what a previous account left is wiped first.
    if (data.user !== undefined && data.user !== config.user) return wipe();
  }).then(function () {
    if (!navigator.onLine) return;
    return loadPackage().catch(function (error) {
      lastMessage = error && error.message === "signed_out" ? t("signed_out") : "";
    });
  }).then(reload).then(sendAll);

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(config.worker, { scope: config.scope }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function () {
      // The page is kept by the worker once it controls the page: fetched again through it.
      var tries = 0;
      function keepPage() {
        if (!navigator.serviceWorker.controller) {
          // Not yet claimed by the worker: look again shortly (up to two minutes: a slow phone
          // on a weak signal may take that long to fetch the files the worker keeps).
          if (++tries < 480) setTimeout(keepPage, 250);
          return;
        }
        fetch(config.scope, { credentials: "same-origin" }).then(function () {
          root.dataset.worker = "1";
        }).catch(function () {});
      }
      keepPage();
    }).catch(function () { /* the page still works while it stays open */ });
  }
})();

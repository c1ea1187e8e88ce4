/* OpenIPT offline facilitator app: the tablet side (docs/groups/sync.md).
 *
 * Two pages use this file:
 *   /offline/      "Keep my groups on this tablet": asks for a new PIN twice, enrols the tablet
 *                  (POST /offline/devices/), fetches the signed snapshot, stores it encrypted and
 *                  registers the service worker.
 *   /offline/app/  the app shell, cached by the service worker: PIN unlock, the groups, running a
 *                  session with no connection, the outbox of changes and Sync now.
 *
 * What is kept on the tablet lives in IndexedDB, encrypted with AES-GCM under a random data key.
 * The data key is stored only wrapped with a key derived from the PIN (PBKDF2-SHA-256, 310,000
 * rounds, random salt); the device secret is inside the encrypted records. Each request to the
 * server is signed with HMAC-SHA-256 of METHOD, PATH, SEQ and the body's SHA-256, and carries a new
 * SEQ. Every word shown comes from the page's #offline-words block, so it is translated with the
 * page. Nothing here is sent anywhere but this server.
 */
(function () {
  "use strict";
  var DB_NAME = "openipt-offline";
  var STORE = "kv";
  var ITERATIONS = 310000;
  var PIN_TRIES = 5;
  var AUTO_SYNC_MS = 3 * 60 * 1000;
  var DAY_MS = 24 * 60 * 60 * 1000;
  var LOCK_MINUTES = 10;           // the open app locks after this long with no touch or key (the snapshot may say otherwise)
  var SPACE_MARGIN = 5 * 1024 * 1024;  // warn when less than this, or a tenth of the quota, is left
  var MARKER = "oi-tablet-keeps";  // in localStorage while this browser keeps groups: the site's Sign out asks first
  var SNAPSHOT_PATH = "/offline/snapshot/";
  var SYNC_PATH = "/offline/sync/";
  var PRESENCE = ["present", "absent", "excused"];
  var enc = new TextEncoder();

  /* ---------------------------------------------------------------- words */

  function wordsFrom(dict) {
    // words("waiting", {n: 3}); "waitingOne" is the wording for a count of 1.
    return function (name, values) {
      var text = values && values.n === 1 && typeof dict[name + "One"] === "string" ? dict[name + "One"] : dict[name];
      if (typeof text !== "string") {
        if (window.console) { window.console.error("OpenIPT offline: the page has no words for " + name); }
        return name;
      }
      Object.keys(values || {}).forEach(function (k) { text = text.split("{" + k + "}").join(String(values[k])); });
      return text;
    };
  }
  function readWords(doc) {
    var block = doc.getElementById("offline-words");
    if (!block) { return null; }
    try { return JSON.parse(block.textContent); } catch (e) { return null; }
  }

  /* ---------------------------------------------------------------- bytes */

  function random(n) { return crypto.getRandomValues(new Uint8Array(n)); }
  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function fromBase64url(text) {
    var b64 = String(text).replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) { b64 += "="; }
    var raw = atob(b64);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) { out[i] = raw.charCodeAt(i); }
    return out;
  }
  function newKey() { return "t-" + hex(random(16)); }

  /* ---------------------------------------------------------------- IndexedDB */

  function request(req) {
    return new Promise(function (resolve, reject) {
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }
  var dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var open = indexedDB.open(DB_NAME, 1);
        open.onupgradeneeded = function () { open.result.createObjectStore(STORE); };
        open.onsuccess = function () { resolve(open.result); };
        open.onerror = function () { reject(open.error); };
      });
    }
    return dbPromise;
  }
  async function idbGet(key) {
    var d = await db();
    return request(d.transaction(STORE, "readonly").objectStore(STORE).get(key));
  }
  // Writes several records in one transaction: all are kept, or none (the old ones stay).
  async function idbPut(records) {
    var d = await db();
    return new Promise(function (resolve, reject) {
      var tx = d.transaction(STORE, "readwrite");
      var store = tx.objectStore(STORE);
      Object.keys(records).forEach(function (k) {
        if (records[k] === null) { store.delete(k); } else { store.put(records[k], k); }
      });
      tx.oncomplete = function () { resolve(); };
      tx.onerror = function () { reject(tx.error); };
      tx.onabort = function () { reject(tx.error || new DOMException("aborted", "AbortError")); };
    });
  }
  async function idbClear() {
    var d = await db();
    return new Promise(function (resolve, reject) {
      var tx = d.transaction(STORE, "readwrite");
      tx.objectStore(STORE).clear();
      tx.oncomplete = function () { resolve(); };
      tx.onerror = function () { reject(tx.error); };
    });
  }
  function isQuota(error) {
    return !!error && (error.name === "QuotaExceededError" || /quota/i.test(String(error.message || "")));
  }

  // A mark, not a secret: it tells the site's Sign out (openipt.js) that this browser keeps groups.
  function setMarker(on) {
    try { if (on) { localStorage.setItem(MARKER, "1"); } else { localStorage.removeItem(MARKER); } } catch (e) { /* no storage */ }
  }

  /* ---------------------------------------------------------------- WebCrypto */

  async function pinKey(pin, salt, iterations) {
    var base = await crypto.subtle.importKey("raw", enc.encode(pin), "PBKDF2", false, ["deriveKey"]);
    return crypto.subtle.deriveKey({ name: "PBKDF2", salt: salt, iterations: iterations, hash: "SHA-256" }, base,
      { name: "AES-GCM", length: 256 }, false, ["wrapKey", "unwrapKey"]);
  }
  async function wrapDataKey(dataKey, pin) {
    var salt = random(16);
    var iv = random(12);
    var kek = await pinKey(pin, salt, ITERATIONS);
    var wrapped = await crypto.subtle.wrapKey("raw", dataKey, kek, { name: "AES-GCM", iv: iv });
    return { salt: salt, iterations: ITERATIONS, iv: iv, wrapped: new Uint8Array(wrapped) };
  }
  // A wrong PIN gives a different key, and AES-GCM refuses to unwrap: the error is the answer.
  async function unwrapDataKey(meta, pin) {
    var kek = await pinKey(pin, meta.salt, meta.iterations);
    return crypto.subtle.unwrapKey("raw", meta.wrapped, kek, { name: "AES-GCM", iv: meta.iv },
      { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
  }
  async function seal(dataKey, name, value) {
    var iv = random(12);
    var ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv: iv, additionalData: enc.encode(name) }, dataKey,
      enc.encode(JSON.stringify(value)));
    return { iv: iv, ct: new Uint8Array(ct) };
  }
  async function open(dataKey, name, box) {
    if (!box) { return null; }
    var plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: box.iv, additionalData: enc.encode(name) }, dataKey, box.ct);
    return JSON.parse(new TextDecoder().decode(plain));
  }
  async function sign(secret, method, path, seq, body) {
    var digest = hex(await crypto.subtle.digest("SHA-256", enc.encode(body || "")));
    var key = await crypto.subtle.importKey("raw", fromBase64url(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    var message = method + "\n" + path + "\n" + seq + "\n" + digest;
    return hex(await crypto.subtle.sign("HMAC", key, enc.encode(message)));
  }

  /* ---------------------------------------------------------------- the vault
   *
   * Records in IndexedDB:
   *   meta   not secret: device id, salt, wrapped data key, wrong PIN count, how many changes wait
   *   state  sealed: device secret, request counter, outbox, problems from the server, last sync
   *   copy   sealed: the snapshot of the groups (wiped on its own by the offline limit)
   */
  function Vault(dataKey, meta, state, copy) {
    this.key = dataKey;
    this.meta = meta;
    this.state = state;
    this.copy = copy;
  }
  Vault.prototype.save = async function (withCopy) {
    var records = {};
    this.meta.waiting = this.state.items.length;
    records.meta = this.meta;
    records.state = await seal(this.key, "state", this.state);
    if (withCopy) { records.copy = this.copy ? await seal(this.key, "copy", this.copy) : null; }
    await idbPut(records);
  };
  Vault.prototype.nextSeq = async function () {
    this.state.seq = (this.state.seq || 0) + 1;
    await this.save(false);
    return this.state.seq;
  };
  // `body` is the text to send, or a function of the request's SEQ that makes it (the sync body repeats it).
  Vault.prototype.signedFetch = async function (method, path, body) {
    var seq = await this.nextSeq();
    var bodyText = typeof body === "function" ? body(seq) : body;
    var signature = await sign(this.state.secret, method, path, seq, bodyText);
    var init = {
      method: method, credentials: "omit", cache: "no-store",
      headers: { "X-OpenIPT-Device": this.state.device, "X-OpenIPT-Seq": String(seq), "X-OpenIPT-Signature": signature,
                 "Accept": "application/json" }
    };
    if (bodyText) { init.body = bodyText; init.headers["Content-Type"] = "application/json"; }
    return fetch(path, init);
  };

  async function createVault(pin, device, secret, wipeAfterDays, carried) {
    var dataKey = await crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, true, ["encrypt", "decrypt"]);
    var wrapped = await wrapDataKey(dataKey, pin);
    var meta = { version: 1, device: device, salt: wrapped.salt, iterations: wrapped.iterations, iv: wrapped.iv,
                 wrapped: wrapped.wrapped, failures: 0, waiting: 0 };
    var state = { device: device, secret: secret, seq: 0, items: (carried && carried.items) || [],
                  problems: (carried && carried.problems) || [], lastSync: null, wipeAfterDays: wipeAfterDays || 7,
                  person: "", notice: "" };
    var vault = new Vault(dataKey, meta, state, null);
    await idbClear();
    await vault.save(true);
    setMarker(true);
    return vault;
  }

  async function unlock(pin) {
    var meta = await idbGet("meta");
    if (!meta) { return { none: true }; }
    if ((meta.failures || 0) >= PIN_TRIES) { return { locked: true, meta: meta }; }
    var dataKey;
    try {
      dataKey = await unwrapDataKey(meta, pin);
    } catch (e) {
      meta.failures = (meta.failures || 0) + 1;
      await idbPut({ meta: meta });
      return { wrong: true, left: PIN_TRIES - meta.failures, locked: meta.failures >= PIN_TRIES, meta: meta };
    }
    meta.failures = 0;
    var state = await open(dataKey, "state", await idbGet("state"));
    var copy = await open(dataKey, "copy", await idbGet("copy"));
    await idbPut({ meta: meta });
    return { vault: new Vault(dataKey, meta, state, copy) };
  }

  async function wipeAll() {
    await idbClear();
    setMarker(false);
  }

  // Signing out but keeping the changes not sent, as the facilitator chose: the copy of the groups and the
  // tablet's secret go (so nothing more can be fetched with it); the changes stay sealed under the PIN, and
  // the keep page carries them into the next enrolment after a full sign-in.
  async function keepOnlyUnsent(vault, notice) {
    vault.copy = null;
    var st = vault.state;
    vault.state = { seq: st.seq || 0, items: st.items || [], problems: st.problems || [], lastSync: st.lastSync,
                    wipeAfterDays: st.wipeAfterDays, person: st.person, needsSignIn: true, signedOut: true, notice: notice };
    vault.meta.device = null;
    await vault.save(true);
  }

  /* ---------------------------------------------------------------- small DOM helpers */

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) { return; }
      if (k === "text") { node.textContent = v; } else if (k === "className") { node.className = v; } else if (k.indexOf("on") === 0) {
        node.addEventListener(k.slice(2), v);
      } else if (v === true) { node.setAttribute(k, ""); } else { node.setAttribute(k, v); }
    });
    (children || []).forEach(function (c) { if (c) { node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); } });
    return node;
  }
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } return node; }
  // A piece the reader's language pack lacks comes in English: say so beside it, and mark its words as English.
  function inEnglish(words, piece) {
    return piece && piece.english ? el("span", { className: "oi-badge oi-in-english", text: words("inEnglish") }) : null;
  }
  function pieceLang(piece) { return piece && piece.english ? "en" : null; }
  function lang() { return document.documentElement.lang || "en"; }
  // Dates in the page's language, in the tablet's own regional form when it speaks that language (en-GB, es-MX…).
  function locale() {
    var page = lang().toLowerCase();
    var own = navigator.language || "";
    return own.toLowerCase().split("-")[0] === page.split("-")[0] ? own : page;
  }
  function when(iso) {
    if (!iso) { return ""; }
    var d = new Date(iso);
    if (isNaN(d.getTime())) { return String(iso); }
    return d.toLocaleString(locale(), { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
  }
  function dayText(isoDate) {
    var d = new Date(isoDate + "T12:00:00");
    if (isNaN(d.getTime())) { return String(isoDate); }
    return d.toLocaleDateString(locale(), { weekday: "long", day: "numeric", month: "long", year: "numeric" });
  }
  // A session's start is an ISO date-time from the server: shown as the time of day only.
  function startTime(iso) {
    if (!iso) { return ""; }
    var d = new Date(iso);
    if (isNaN(d.getTime())) { return ""; }
    return d.toLocaleTimeString(locale(), { hour: "2-digit", minute: "2-digit" });
  }
  function todayIso() {
    var d = new Date();
    return d.getFullYear() + "-" + ("0" + (d.getMonth() + 1)).slice(-2) + "-" + ("0" + d.getDate()).slice(-2);
  }
  function uid(prefix) { return prefix + "-" + Math.random().toString(36).slice(2, 9); }

  /* ================================================================ /offline/: keep my groups on this tablet */

  async function wordsForKeepPage() {
    var dict = readWords(document);
    if (dict) { return dict; }
    // The keep page is the server's; the words live in the app shell, translated with it.
    var answer = await fetch(document.body.getAttribute("data-offline-app-url") || "/offline/app/", { credentials: "same-origin" });
    var doc = new DOMParser().parseFromString(await answer.text(), "text/html");
    return readWords(doc) || {};
  }

  function keepForm() {
    var forms = document.querySelectorAll("form");
    for (var i = 0; i < forms.length; i += 1) {
      var f = forms[i];
      if (f.hasAttribute("data-offline-enrol") || f.hasAttribute("data-offline-keep")) { return f; }
      var action = f.getAttribute("action") || "";
      if (/\/offline\/devices\/$/.test(action)) { return f; }
    }
    return null;
  }

  function pinField(id, label, help) {
    var helpId = id + "-help";
    var errId = id + "-error";
    return el("div", { className: "oi-field" }, [
      el("label", { "for": id, text: label }),
      help ? el("span", { className: "oi-field__help", id: helpId, text: help }) : null,
      el("span", { className: "oi-field__error", id: errId, hidden: true }),
      el("input", { type: "password", id: id, inputmode: "numeric", autocomplete: "off", maxlength: "6",
                    pattern: "[0-9]*", "aria-describedby": (help ? helpId + " " : "") + errId, className: "oa-pin" })
    ]);
  }
  function fieldError(input, text) {
    var err = document.getElementById(input.id + "-error");
    if (!err) { return; }
    err.textContent = text || "";
    err.hidden = !text;
    if (text) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); }
  }

  async function setUpKeepPage(form) {
    var dict = await wordsForKeepPage();
    var words = wordsFrom(dict);
    var meta = await idbGet("meta");
    var button = form.querySelector("button[type=submit], button:not([type])");
    var box = el("div", { className: "oa-keep", id: "oa-keep" });
    var pinA = pinField("oa-new-pin", words("newPin"), words("pinHelp"));
    var pinB = pinField("oa-new-pin-again", words("newPinAgain"), null);
    box.appendChild(pinA);
    box.appendChild(pinB);
    var oldPin = null;
    var dropOld = null;
    if (meta && meta.waiting > 0) {
      oldPin = pinField("oa-old-pin", words("oldPin", { n: meta.waiting }), words("oldPinHelp"));
      var dropId = "oa-drop-old";
      dropOld = el("div", { className: "oi-check" }, [
        el("input", { type: "checkbox", id: dropId }), el("label", { "for": dropId, text: words("dropOld", { n: meta.waiting }) })]);
      box.appendChild(el("div", { className: "oi-alert oi-alert--warning" }, [
        el("p", { text: words("oldWaiting", { n: meta.waiting }) }), oldPin, dropOld]));
    }
    var status = el("div", { id: "oa-keep-status", role: "status", "aria-live": "polite" });
    box.appendChild(status);
    if (button) { form.insertBefore(box, button.parentNode === form ? button : button.parentNode); } else { form.appendChild(box); }
    if (meta && !(meta.waiting > 0)) {
      status.appendChild(el("p", { className: "oi-alert oi-alert--info" }, [
        words("alreadyKept") + " ", el("a", { href: "/offline/app/", text: words("openApp") })]));
    }
    // A message under a PIN box goes as soon as the PIN is typed again.
    box.addEventListener("input", function (event) { if (event.target.classList.contains("oa-pin")) { fieldError(event.target, ""); } });
    var busy = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      event.stopImmediatePropagation();
      if (busy) { return; }
      busy = true;
      keep(form, words, meta, status).then(function () { busy = false; }, function () { busy = false; });
    }, true);
  }

  var carryTries = 0;

  async function keep(form, words, meta, status) {
    var a = document.getElementById("oa-new-pin");
    var b = document.getElementById("oa-new-pin-again");
    var old = document.getElementById("oa-old-pin");
    var drop = document.getElementById("oa-drop-old");
    [a, b, old].forEach(function (i) { if (i) { fieldError(i, ""); } });
    clear(status);
    if (!/^[0-9]{6}$/.test(a.value)) { fieldError(a, words("pinSix")); a.focus(); return; }
    if (a.value !== b.value) { fieldError(b, words("pinDiffer")); b.focus(); return; }
    if (!window.crypto || !crypto.subtle || !window.indexedDB) {
      status.appendChild(el("p", { className: "oi-alert oi-alert--error", role: "alert", text: words("noCrypto") }));
      return;
    }
    // Changes from before that were never sent are carried into the new copy, never dropped silently.
    var carried = null;
    if (meta && meta.waiting > 0) {
      if (old && old.value) {
        // A full sign-in gives the old PIN 5 more tries on this page, no more.
        var opened = carryTries < PIN_TRIES ? await unlockForCarry(old.value) : null;
        if (!opened) {
          carryTries += 1;
          fieldError(old, carryTries < PIN_TRIES ? words("oldPinWrong") : words("oldPinLocked", { n: meta.waiting }));
          old.focus();
          return;
        }
        carried = opened;
      } else if (!(drop && drop.checked)) {
        fieldError(old, words("oldPinNeeded", { n: meta.waiting }));
        if (old) { old.focus(); }
        return;
      }
    }
    say(status, words("keeping"), "info");
    var answer;
    try {
      answer = await fetch(form.getAttribute("action") || "/offline/devices/", {
        method: "POST", credentials: "same-origin", body: new FormData(form),
        headers: { "Accept": "application/json", "X-Requested-With": "fetch" }
      });
    } catch (e) {
      say(status, words("keepNoConnection"), "error");
      return;
    }
    var body = {};
    try { body = await answer.json(); } catch (e) { body = {}; }
    if (answer.status !== 201 && answer.status !== 200) {
      say(status, body.error || words("keepFailed"), "error");
      return;
    }
    var vault;
    try {
      vault = await createVault(a.value, body.device, body.secret, body.wipe_after_days, carried);
    } catch (e) {
      say(status, isQuota(e) ? words("storageFull") : words("keepFailed"), "error");
      return;
    }
    a.value = "";
    b.value = "";
    try {
      var snap = await vault.signedFetch("GET", SNAPSHOT_PATH, "");
      if (snap.status === 200) {
        var data = await snap.json();
        vault.copy = data;
        vault.state.person = (data.person && data.person.name) || "";
        vault.state.wipeAfterDays = data.wipe_after_days || vault.state.wipeAfterDays;
        vault.state.lastSync = new Date().toISOString();
        await vault.save(true);
      }
    } catch (e) {
      say(status, isQuota(e) ? words("storageFull") : words("keepFailed"), "error");
      return;
    }
    if (navigator.storage && navigator.storage.persist) { try { await navigator.storage.persist(); } catch (e) { /* the browser decides */ } }
    await registerWorker();
    clear(status);
    // Done: the PIN boxes and the button go, so the next step is the only one on the page.
    Array.prototype.forEach.call(document.querySelectorAll("#oa-keep .oi-field, #oa-keep .oi-alert--warning"), function (n) { n.remove(); });
    var submit = form.querySelector("button[type=submit], button:not([type])");
    if (submit) { (submit.parentNode.classList.contains("oi-actions") ? submit.parentNode : submit).remove(); }
    var link = el("a", { href: body.app_url || "/offline/app/", className: "oi-button", id: "oa-open-app", text: words("openApp") });
    status.appendChild(el("div", { className: "oi-alert oi-alert--success" }, [
      el("p", { text: vault.copy ? words("kept", { n: (vault.copy.groups || []).length }) : words("keptNoCopy") }), link]));
    link.focus();
  }

  async function unlockForCarry(pin) {
    var meta = await idbGet("meta");
    if (!meta) { return null; }
    try {
      var dataKey = await unwrapDataKey(meta, pin);
      var state = await open(dataKey, "state", await idbGet("state"));
      return { items: state.items || [], problems: state.problems || [] };
    } catch (e) { return null; }
  }

  function say(box, text, kind) {
    clear(box);
    if (!text) { return; }
    box.appendChild(el("p", { className: "oi-alert oi-alert--" + (kind || "info"), role: kind === "error" ? "alert" : null, text: text }));
  }

  async function registerWorker() {
    if (!("serviceWorker" in navigator)) { return; }
    try { await navigator.serviceWorker.register("/sw.js", { scope: "/" }); } catch (e) { /* the app still works while connected */ }
  }

  /* ================================================================ /offline/app/: the app */

  function App(root, words) {
    this.root = root;
    this.words = words;
    this.vault = null;
    this.sending = null;
    this.timer = null;
    this.unsaved = false;
    this.syncUrl = root.getAttribute("data-sync-url") || SYNC_PATH;
    this.keepUrl = root.getAttribute("data-keep-url") || "/offline/";
    this.conflictsUrl = root.getAttribute("data-conflicts-url") || "/offline/conflicts/";
    this.screen = document.getElementById("oa-screen");
    this.bar = document.getElementById("oa-bar");
    this.site = null;       // set when the site's own Sign out runs this app's sign-out (signOutFromSite)
    this.lastTouch = Date.now();
    this.idleTimer = null;
  }

  App.prototype.start = async function () {
    var self = this;
    var w = this.words;
    if (!window.crypto || !crypto.subtle || !window.indexedDB) { this.page(w("noCrypto"), [el("p", { text: w("noCrypto") })]); return; }
    registerWorker();
    window.addEventListener("hashchange", function () { self.render(); });
    window.addEventListener("online", function () { self.sync(false); });
    window.addEventListener("offline", function () { self.drawBar(); });
    document.getElementById("oa-sign-out").addEventListener("click", function () { self.askSignOut(); });
    // Before the page goes (closed, reloaded) while a change is only on the screen, the browser asks first.
    window.addEventListener("beforeunload", function (event) { if (self.unsaved) { event.preventDefault(); event.returnValue = ""; } });
    ["pointerdown", "keydown", "touchstart", "input"].forEach(function (name) {
      document.addEventListener(name, function () { self.lastTouch = Date.now(); }, { capture: true, passive: true });
    });
    var meta = await idbGet("meta");
    if (!meta) { setMarker(false); this.showNone(); return; }
    setMarker(true);
    if ((meta.failures || 0) >= PIN_TRIES) { this.showLockedOut(); return; }
    this.showLock();
  };

  App.prototype.page = function (title, children, focusTitle) {
    if (this.keepPlace) { focusTitle = false; }
    clear(this.screen);
    var h1 = el("h1", { id: "oa-title", tabindex: "-1", text: title });
    this.screen.appendChild(h1);
    var self = this;
    children.forEach(function (c) { if (c) { self.screen.appendChild(c); } });
    document.title = title + " · OpenIPT";
    if (focusTitle !== false) { h1.focus(); }
    return h1;
  };

  App.prototype.showNone = function () {
    var w = this.words;
    this.bar.hidden = true;
    document.getElementById("oa-sign-out").hidden = true;
    this.page(w("noneTitle"), [el("p", { text: w("noneText") }), el("p", {}, [el("a", { href: this.keepUrl, text: w("goKeep") })])]);
  };

  App.prototype.showLockedOut = function () {
    var w = this.words;
    this.bar.hidden = true;
    document.getElementById("oa-sign-out").hidden = true;
    this.page(w("lockedTitle"), [el("div", { className: "oi-alert oi-alert--error", role: "alert" }, [
      el("p", { text: w("lockedText") }), el("p", {}, [el("a", { href: this.keepUrl, text: w("goKeep") })])])]);
  };

  App.prototype.showLock = function (message, notice) {
    var self = this;
    var w = this.words;
    this.bar.hidden = true;
    document.getElementById("oa-sign-out").hidden = true;
    var field = pinField("oa-pin", w("yourPin"), w("pinUnlockHelp"));
    var button = el("button", { type: "submit", text: this.site ? w("showUnsent") : w("unlock") });
    var actions = [button];
    if (this.site) {
      // Signing out from the site's header: the PIN shows the changes not sent; without it they can only be lost.
      actions.push(el("button", { type: "button", className: "oi-button--danger", text: w("signOutAnyway"),
                                  onclick: function () { self.signOut("lose"); } }));
      actions.push(el("button", { type: "button", className: "oi-button--secondary", text: w("cancel"),
                                  onclick: function () { self.site.cancel(); } }));
    }
    var form = el("form", { className: "oi-form", id: "oa-lock", novalidate: true }, [field, el("div", { className: "oi-actions" }, actions)]);
    var intro = this.site ? el("div", { className: "oi-alert oi-alert--warning", role: "alert" }, [
      el("p", { text: w("unsentLocked", { n: this.site.waiting }) })]) : el("p", { text: w("lockText") });
    var said = notice ? el("p", { className: "oi-alert oi-alert--info", role: "status", id: "oa-idle", text: notice }) : null;
    this.page(this.site ? w("signOutTitle") : w("lockTitle"), [said, intro, form], false);
    var input = document.getElementById("oa-pin");
    if (message) { fieldError(input, message); }
    input.focus();
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      if (button.disabled) { return; }
      fieldError(input, "");
      if (!/^[0-9]{6}$/.test(input.value)) { fieldError(input, w("pinSix")); input.focus(); return; }
      button.disabled = true;
      button.textContent = w("unlocking");
      var result = await unlock(input.value);
      input.value = "";
      button.disabled = false;
      button.textContent = w("unlock");
      if (result.none) { if (self.site) { self.site.done("none"); return; } self.showNone(); return; }
      if (result.locked) {
        if (self.site) { fieldError(input, w("pinLockedSignOut")); button.disabled = true; return; }
        self.showLockedOut(); return;
      }
      if (result.wrong) { fieldError(input, w("pinWrong", { n: result.left })); input.focus(); return; }
      self.vault = result.vault;
      self.opened();
    });
  };

  App.prototype.opened = async function () {
    var self = this;
    this.bar.hidden = false;
    if (this.site) { this.drawBar(); this.askSignOut(); return; }
    document.getElementById("oa-sign-out").hidden = false;
    await this.checkLimit();
    this.render();
    this.putDrafts();
    this.checkSpace();
    if (this.timer) { clearInterval(this.timer); }
    this.timer = setInterval(function () { self.checkLimit(); if (navigator.onLine) { self.sync(false); } }, AUTO_SYNC_MS);
    this.lastTouch = Date.now();
    if (this.idleTimer) { clearInterval(this.idleTimer); }
    this.idleTimer = setInterval(function () { self.checkIdle(); }, 15000);
    if (navigator.onLine) { this.sync(false); }
  };

  /* ---------------------------------------------------------------- auto-lock */

  App.prototype.lockMinutes = function () {
    var m = this.vault && this.vault.copy && Number(this.vault.copy.lock_after_minutes);
    return m > 0 ? m : LOCK_MINUTES;
  };

  // After a while with no touch or key the app locks: what is typed and not yet kept is sealed with the rest
  // first (drafts), and comes back on the same screen after the PIN. A change that could not be stored
  // (storage full) keeps the app open, so it is not lost.
  App.prototype.checkIdle = async function () {
    var self = this;
    if (!this.vault || this.locking) { return; }
    if (Date.now() - this.lastTouch < this.lockMinutes() * 60000) { return; }
    if (this.sending) { setTimeout(function () { self.checkIdle(); }, 1000); return; }  // a sync on its way ends first
    this.locking = true;
    try {
      this.vault.state.drafts = this.takeDrafts();
      if (!(await this.persist(false))) { return; }
      var minutes = this.lockMinutes();
      this.vault = null;
      this.stop();
      if (this.idleTimer) { clearInterval(this.idleTimer); this.idleTimer = null; }
      this.showLock(null, this.words("idleLocked", { n: minutes }));
    } finally {
      this.locking = false;
    }
  };

  App.prototype.takeDrafts = function () {
    var drafts = {};
    this.screen.querySelectorAll("[data-draft]").forEach(function (f) {
      if (f.value !== (f.getAttribute("data-saved") || "")) { drafts[f.getAttribute("data-draft")] = f.value; }
    });
    return drafts;
  };

  App.prototype.putDrafts = function () {
    var drafts = this.vault && this.vault.state.drafts;
    if (!drafts) { return; }
    var self = this;
    Object.keys(drafts).forEach(function (key) {
      var f = self.screen.querySelector("[data-draft='" + key + "']");
      if (!f) { return; }
      var details = f.closest("details");
      if (details) { details.open = true; }
      f.value = drafts[key];
    });
    this.vault.state.drafts = null;
  };

  // Past the programme's limit without a sync, the copy of the groups is wiped; the outbox is kept.
  App.prototype.checkLimit = async function () {
    var v = this.vault;
    if (!v || !v.copy || !v.state.lastSync) { return; }
    var days = v.state.wipeAfterDays || 7;
    if (Date.now() - new Date(v.state.lastSync).getTime() > days * DAY_MS) {
      v.copy = null;
      v.state.needsSignIn = true;
      v.state.notice = this.words("limitWiped", { n: days });
      await this.persist(true);
      this.render();
    }
  };

  App.prototype.persist = async function (withCopy) {
    try {
      await this.vault.save(withCopy);
      var was = this.unsaved;
      this.unsaved = false;
      this.drawSpace(was ? this.words("storageNowKept") : "");
      this.checkSpace();
      return true;
    } catch (e) {
      // Nothing already stored is lost: the old records stay whole. Say so before anything else happens.
      this.unsaved = true;
      this.drawSpace(isQuota(e) ? this.words("storageFull") : this.words("storageFailed"));
      return false;
    }
  };

  // Less than 5 MB, or a tenth of what the browser allows, left: the facilitator is told before a save fails.
  App.prototype.checkSpace = async function () {
    if (!navigator.storage || !navigator.storage.estimate || this.unsaved) { return; }
    try {
      var e = await navigator.storage.estimate();
      if (e.quota && e.quota - (e.usage || 0) < Math.max(SPACE_MARGIN, e.quota / 10)) { this.drawSpace(this.words("storageNearlyFull")); }
    } catch (err) { /* the browser did not say */ }
  };

  App.prototype.drawSpace = function (text) {
    var box = document.getElementById("oa-space");
    clear(box);
    box.hidden = !text;
    if (text) { box.appendChild(el("p", { text: text })); }
  };

  /* ---------------------------------------------------------------- the local view: snapshot + outbox */

  function findSession(copy, groupId, number) {
    var g = (copy && copy.groups || []).filter(function (x) { return String(x.id) === String(groupId); })[0];
    if (!g) { return null; }
    var s = (g.sessions || []).filter(function (x) { return String(x.number) === String(number); })[0];
    return s ? { group: g, session: s } : null;
  }

  App.prototype.view = function () {
    var copy = this.vault.copy ? JSON.parse(JSON.stringify(this.vault.copy)) : null;
    if (!copy) { return null; }
    this.vault.state.items.forEach(function (item) { overlay(copy, item); });
    return copy;
  };

  function overlay(copy, item) {
    var found = findSession(copy, item.group, item.session);
    if (!found) { return; }
    var s = found.session;
    var d = item.data || {};
    s.attendance = s.attendance || {};
    s.checks = s.checks || {};
    var m = String(d.member);
    if (item.kind === "mark") {
      s.attendance[m] = Object.assign({}, s.attendance[m] || {}, { presence: d.presence, waiting: true });
      s.held = true;
    } else if (item.kind === "will_try") {
      s.attendance[m] = Object.assign({}, s.attendance[m] || {}, { will_try: d.text, waiting: true });
    } else if (item.kind === "check") {
      var full = Object.keys(d.answers || {}).length === 9;
      s.checks[m] = { instrument: full ? "phq9" : "phq2", total: checkTotal(d.answers || {}), at: item.entered_at,
                      q9: (d.answers || {}).q9, waiting: true };
    } else if (item.kind === "notes") {
      s.notes = d.text;
    } else if (item.kind === "steps") {
      s.done_steps = d.done;
    } else if (item.kind === "report") {
      s.report = Object.assign({ waiting: true }, d);
    }
  }

  // The score as the server counts it: all nine answers for a PHQ-9; questions 1 and 2 for the quick
  // check (its question 9 is asked for safety and does not count in the PHQ-2 score).
  function checkTotal(answers) {
    var keys = Object.keys(answers);
    var counted = keys.length === 9 ? keys : keys.filter(function (k) { return k === "q1" || k === "q2"; });
    return counted.reduce(function (sum, k) { return sum + (Number(answers[k]) || 0); }, 0);
  }

  // What the tablet last saw of the thing a change alters (the server compares it with its own value).
  function baseFor(view, kind, groupId, number, data) {
    var found = findSession(view, groupId, number);
    if (!found) { return {}; }
    var s = found.session;
    var row = (s.attendance || {})[String(data.member)] || {};
    if (kind === "mark" || kind === "will_try") {
      return { presence: row.presence || "", will_try: row.will_try || "", marked_at: row.marked_at || null };
    }
    if (kind === "notes") { return { version: s.version }; }
    if (kind === "steps") { return { done: s.done_steps || [] }; }
    return {};
  }

  // One change for the same thing replaces the one still waiting (not one being sent right now).
  function sameThing(a, b) {
    if (a.kind !== b.kind || String(a.group) !== String(b.group) || String(a.session) !== String(b.session)) { return false; }
    if (a.kind === "mark" || a.kind === "will_try") { return String(a.data.member) === String(b.data.member); }
    return a.kind === "notes" || a.kind === "steps";
  }

  App.prototype.add = async function (kind, groupId, number, data) {
    var view = this.view();
    var item = { key: newKey(), group: Number(groupId), session: Number(number), kind: kind, data: data,
                 base: baseFor(view, kind, groupId, number, data), entered_at: new Date().toISOString() };
    var sending = this.sending || {};
    var items = this.vault.state.items;
    var before = items.slice();
    for (var i = items.length - 1; i >= 0; i -= 1) {
      if (!sending[items[i].key] && sameThing(items[i], item)) { item.base = items[i].base; items.splice(i, 1); }
    }
    items.push(item);
    var wasUnsaved = this.unsaved;
    var kept = await this.persist(false);
    if (!kept) {
      // Not stored (storage full): nothing stored before is touched. A check or a report is taken out again
      // and its form stays filled in on the screen, to be kept with one press once there is space. Any other
      // change stays on the screen and in the app's memory, so Sync now still sends it; every later change
      // or sync tries to store it again. The message says which, and to sync now or free space.
      if (kind === "check" || kind === "report") {
        this.vault.state.items = before.concat(this.vault.state.items.filter(function (x) { return x !== item && before.indexOf(x) < 0; }));
        this.unsaved = wasUnsaved;
      } else {
        this.drawSpace(this.words("storageFullOnScreen"));
      }
    }
    this.drawBar();
    if (navigator.onLine) { this.sync(false); }
    return kept;
  };

  /* ---------------------------------------------------------------- status bar and sync */

  App.prototype.drawBar = function () {
    var w = this.words;
    var v = this.vault;
    if (!v) { return; }
    var n = v.state.items.length;
    document.getElementById("oa-synced").textContent = v.state.lastSync ? w("lastSynced", { time: when(v.state.lastSync) }) : w("neverSynced");
    document.getElementById("oa-waiting").textContent = n ? w("waiting", { n: n }) : w("nothingWaiting");
    this.drawProblems();
  };

  App.prototype.message = function (text, kind) {
    var box = document.getElementById("oa-message");
    box.textContent = text || "";
    box.className = "oi-sync" + (kind === "warn" ? " oi-sync--offline" : "");
  };

  App.prototype.describe = function (item) {
    var w = this.words;
    var d = item.data || {};
    var found = this.vault.copy ? findSession(this.vault.copy, item.group, item.session) : null;
    var name = w("aMember");
    if (found && d.member !== undefined) {
      (found.group.members || []).forEach(function (m) { if (String(m.id) === String(d.member)) { name = m.name; } });
    }
    var where = w("sessionOf", { n: item.session, group: found ? found.group.name : "" });
    var what;
    if (item.kind === "mark") { what = w("markFor", { name: name, presence: w(d.presence) }); }
    else if (item.kind === "will_try") { what = w("willTryFor", { name: name }); }
    else if (item.kind === "check") {
      what = w("checkFor", { name: name });
      if (d.answers && d.answers.q9 > 0) { what += " " + w("q9Was", { n: d.answers.q9 }); }
    }
    else if (item.kind === "notes") { what = w("notesChange"); }
    else if (item.kind === "steps") { what = w("stepsChange"); }
    else { what = w("reportChange"); }
    return where + ": " + what;
  };

  App.prototype.drawProblems = function () {
    var self = this;
    var w = this.words;
    var box = document.getElementById("oa-problems");
    var problems = this.vault ? this.vault.state.problems || [] : [];
    clear(box);
    box.hidden = !problems.length;
    if (!problems.length) { return; }
    box.appendChild(el("h2", { text: w("problemsTitle") }));
    box.appendChild(el("p", {}, [w("problemsText") + " ", el("a", { href: this.conflictsUrl, text: w("problemsLink") })]));
    box.appendChild(el("ul", {}, problems.map(function (p) {
      return el("li", {}, [el("strong", { text: p.status === "conflict" ? w("conflict") : w("refused") }), " " + p.what + ". " + (p.message || "")]);
    })));
    box.appendChild(el("button", { type: "button", className: "oi-button--secondary", text: w("seenThese"), onclick: async function () {
      self.vault.state.problems = [];
      await self.persist(false);
      self.drawBar();
    } }));
  };

  // The server takes at most 500 changes and 2 MB in one request: a tablet long offline sends its outbox
  // in chunks, in order, each a request of its own (a new seq), and stops at the first one not taken.
  var CHUNK_CHANGES = 200;
  var CHUNK_BYTES = 1000000;
  function chunksOf(items) {
    var chunks = [];
    var current = [];
    var bytes = 0;
    var encoder = new TextEncoder();
    items.forEach(function (item) {
      var size = encoder.encode(JSON.stringify(item)).length + 1;
      if (current.length && (current.length >= CHUNK_CHANGES || bytes + size > CHUNK_BYTES)) {
        chunks.push(current);
        current = [];
        bytes = 0;
      }
      current.push(item);
      bytes += size;
    });
    if (current.length) { chunks.push(current); }
    return chunks;
  }

  App.prototype.sendChunk = async function (chunk) {
    var v = this.vault;
    var answer = null;
    var body = {};
    var makeBody = function (seq) { return JSON.stringify({ seq: seq, changes: chunk }); };
    for (var attempt = 0; attempt < 2; attempt += 1) {
      answer = await v.signedFetch("POST", this.syncUrl, makeBody);
      try { body = await answer.json(); } catch (e) { body = {}; }
      if (answer.status === 409 && body.error === "replayed") {
        // The counter fell behind the server's (a copy restored from before): jump ahead once.
        v.state.seq = (v.state.seq || 0) + 1000;
        continue;
      }
      break;
    }
    return { answer: answer, body: body };
  };

  App.prototype.sync = async function (byHand) {
    var self = this;
    var w = this.words;
    var v = this.vault;
    if (!v || this.sending) { return; }
    if (!v.state.secret) {  // signed out, the changes kept for the next full sign-in: this tablet can no longer send
      if (byHand) { this.message(w("signInToSend"), "warn"); }
      return;
    }
    var items = v.state.items.slice();
    var sending = {};
    items.forEach(function (i) { sending[i.key] = true; });
    this.sending = sending;
    var button = document.getElementById("oa-sync-now");
    button.disabled = true;
    this.message(w("syncing"), "");
    var sent = {};
    items.forEach(function (i) { sent[i.key] = i; });
    var problemsBefore = (v.state.problems || []).length;
    var alerts = 0;
    var chunks = items.length ? chunksOf(items) : [[]];
    var lastBody = {};
    for (var c = 0; c < chunks.length; c += 1) {
      var got;
      try {
        got = await this.sendChunk(chunks[c]);
      } catch (e) {
        this.sending = null;
        button.disabled = false;
        this.message(items.length ? w("offlineKept", { n: v.state.items.length }) : w("offline"), "warn");
        if (byHand) { document.getElementById("oa-message").focus(); }
        return;
      }
      var answer = got.answer;
      var body = got.body;
      if (answer.status === 410 || body.wipe) {
        this.sending = null;
        button.disabled = false;
        await wipeAll();
        this.vault = null;
        this.stop();
        this.page(w("wipedTitle"), [el("div", { className: "oi-alert oi-alert--error", role: "alert" }, [
          el("p", { text: w("wiped") }), body.error ? el("p", { text: body.error }) : null,
          el("p", {}, [el("a", { href: this.keepUrl, text: w("goKeep") })])])]);
        return;
      }
      if (answer.status !== 200) {  // the rest waits, in order, for the next sync
        this.sending = null;
        button.disabled = false;
        this.message(body.error || w("syncFailed"), "warn");
        return;
      }
      var done = {};
      (body.results || []).forEach(function (r) {
        if (!sent[r.key]) { return; }
        done[r.key] = true;
        if (r.alert) { alerts += 1; }
        if (r.status === "conflict" || r.status === "refused") {
          v.state.problems.push({ key: r.key, status: r.status, message: r.message || "", what: self.describe(sent[r.key]),
                                  at: new Date().toISOString() });
        }
      });
      v.state.items = v.state.items.filter(function (i) { return !done[i.key]; });
      lastBody = body;
      if (c < chunks.length - 1) { await this.persist(false); }
    }
    this.sending = null;
    button.disabled = false;
    // The offline limit is counted on the tablet's own clock, so the time of a sync is the tablet's too.
    v.state.lastSync = new Date().toISOString();
    if (lastBody.snapshot && !v.state.needsSignIn) {
      v.copy = lastBody.snapshot;
      v.state.wipeAfterDays = lastBody.snapshot.wipe_after_days || v.state.wipeAfterDays;
      v.state.person = (lastBody.snapshot.person && lastBody.snapshot.person.name) || v.state.person;
    }
    await this.persist(true);
    var note = w("synced");
    if (alerts) { note += " " + w("alertsReached", { n: alerts }); }
    this.message(note, "");
    this.drawBar();
    // A sync that ran by itself leaves an open session alone (a half-filled check stays as it is); Sync now,
    // or a change the server did not take, shows the server's state at once.
    var problemsNow = (v.state.problems || []).length;
    var onSession = /^#session-/.test(location.hash);
    if (!this.editing() && (byHand || !onSession || problemsNow > problemsBefore)) { this.render(true); }
    // Changes made while this batch was on its way go now, not at the next change.
    if (v.state.items.some(function (i) { return !sent[i.key]; })) { this.sync(false); }
  };

  // Redrawing while someone types would lose their place: only redraw lists, not an open form.
  App.prototype.editing = function () {
    var active = document.activeElement;
    return !!(active && this.screen.contains(active) && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName));
  };

  App.prototype.stop = function () {
    if (this.timer) { clearInterval(this.timer); this.timer = null; }
    this.bar.hidden = true;
    document.getElementById("oa-sign-out").hidden = true;
  };

  /* ---------------------------------------------------------------- sign out */

  // The one way to sign out of a tablet that keeps groups, from the app's own button or from the site's
  // header (signOutFromSite). Nothing waiting: wiped at once. Changes waiting: each is named, and the
  // facilitator sends them, keeps them (sealed under the PIN) for the next full sign-in, loses them, or cancels.
  App.prototype.askSignOut = function () {
    var self = this;
    var w = this.words;
    if (!this.vault) { return; }
    var items = this.vault.state.items;
    if (!items.length) { this.signOut("lose"); return; }
    var list = el("ul", {}, items.map(function (i) { return el("li", { text: self.describe(i) }); }));
    var buttons = [];
    if (this.vault.state.secret) {
      buttons.push(el("button", { type: "button", id: "oa-send-first", text: w("sendFirst"), onclick: async function () {
        await self.sync(true);
        if (self.vault) { self.askSignOut(); }
      } }));
    }
    buttons.push(el("button", { type: "button", className: "oi-button--secondary", id: "oa-keep-unsent", text: w("signOutKeep"),
                                onclick: function () { self.signOut("keep"); } }));
    buttons.push(el("button", { type: "button", className: "oi-button--danger", text: w("signOutAnyway"), onclick: function () { self.signOut("lose"); } }));
    buttons.push(el("button", { type: "button", className: "oi-button--secondary", text: w("cancel"), onclick: function () {
      if (self.site) { self.site.cancel(); } else { self.render(); }
    } }));
    this.page(w("signOutTitle"), [
      el("div", { className: "oi-alert oi-alert--warning", role: "alert" }, [el("p", { text: w("unsent", { n: items.length }) }), list,
        el("p", { text: w("keepHelp") })]),
      el("div", { className: "oi-actions" }, buttons)
    ]);
  };

  // "lose": everything OpenIPT keeps in this browser goes. "keep": only the unsent changes stay, sealed.
  App.prototype.signOut = async function (choice) {
    var w = this.words;
    if (choice === "keep" && this.vault) {
      await keepOnlyUnsent(this.vault, w("signedOutKept"));
    } else {
      await wipeAll();
    }
    this.vault = null;
    this.unsaved = false;
    this.stop();
    if (this.idleTimer) { clearInterval(this.idleTimer); this.idleTimer = null; }
    if (this.site) { this.site.done(choice); return; }
    this.page(w("signedOutTitle"), [el("p", { role: "status", text: choice === "keep" ? w("signedOutKept") : w("signedOut") }),
      el("p", {}, [el("a", { href: this.keepUrl, text: w("goKeep") })])]);
  };

  /* ---------------------------------------------------------------- screens */

  // `keepPlace`: a redraw after a sync or a change not kept, not a new screen: the page stays where the
  // facilitator was reading, and focus is not moved.
  App.prototype.render = function (keepPlace) {
    if (!this.vault) { return; }
    this.drawBar();
    var match = /^#session-(\d+)-(\d+)$/.exec(location.hash);
    var printing = /^#print-(\d+)-(\d+)$/.exec(location.hash);
    var view = this.view();
    var y = window.scrollY;
    this.keepPlace = !!keepPlace;
    if (this.vault.state.notice || !view) { this.showNoCopy(); }
    else {
      var found = match ? findSession(view, match[1], match[2]) : null;
      var toPrint = printing ? findSession(view, printing[1], printing[2]) : null;
      if (toPrint) { this.showPrint(toPrint.group, toPrint.session); }
      else if (found) { this.showSession(found.group, found.session); } else { this.showGroups(view); }
    }
    this.keepPlace = false;
    if (keepPlace) { window.scrollTo(0, y); }
  };

  App.prototype.showNoCopy = function () {
    var w = this.words;
    var notice = this.vault.state.notice;
    this.page(w("noCopyTitle"), [
      notice ? el("div", { className: "oi-alert oi-alert--warning", role: "alert" }, [el("p", { text: notice })]) : null,
      el("p", { text: !this.vault.state.items.length ? w("noCopyText") :
        (this.vault.state.secret ? w("noCopyWaiting", { n: this.vault.state.items.length }) : w("keptForSignIn", { n: this.vault.state.items.length })) }),
      el("p", {}, [el("a", { href: this.keepUrl, text: w("goKeep") })])
    ]);
  };

  App.prototype.showGroups = function (view) {
    var w = this.words;
    var today = todayIso();
    var sections = (view.groups || []).map(function (g) {
      var hid = uid("g");
      var sessions = (g.sessions || []).map(function (s) {
        var state = s.held ? w("held") : (s.date > today ? w("planned") : w("today"));
        if (s.date === today && !s.held) { state = w("today"); }
        else if (s.date < today && !s.held) { state = w("notRecorded"); }
        return el("li", {}, [el("a", { href: "#session-" + g.id + "-" + s.number, className: "oa-session-link" }, [
          el("strong", { text: w("sessionN", { n: s.number }) }), " · " + dayText(s.date) + (s.start ? ", " + startTime(s.start) : "") + " · " + state])]);
      });
      return el("section", { className: "oi-panel", "aria-labelledby": hid }, [
        el("h2", { id: hid, text: g.name })].concat(ledAlone(g), [
        el("p", { className: "oi-muted", text: [g.location, g.language, w("membersN", { n: (g.members || []).filter(active).length })].filter(Boolean).join(" · ") }),
        sessions.length ? el("ul", { className: "oa-sessions" }, sessions) : el("p", { text: w("noSessions") })
      ]));
    });
    var intro = view.person && view.person.name ? w("groupsOf", { name: view.person.name }) : "";
    this.page(w("groupsTitle"), [intro ? el("p", { className: "oi-muted", text: intro }) : null]
      .concat(sections.length ? sections : [el("p", { text: w("noGroups") })]), false);
  };

  function active(m) { return m.status !== "left"; }

  // HAZ-041: a group led alone by someone whose sign-off was withdrawn. Words come from the server in the
  // reader's language; nothing here blocks the session or the safety steps.
  function ledAlone(group) {
    return (group.led_alone || []).map(function (h) {
      return el("div", { className: "oi-alert " + (h.state === "continues" ? "oi-alert--warning" : "oi-alert--error") + " oa-led-alone" }, [
        el("p", {}, [el("strong", { text: h.title })]), el("p", { text: h.text })]);
    });
  }

  App.prototype.showSession = function (group, s) {
    var self = this;
    var w = this.words;
    var future = s.date > todayIso();
    var members = (group.members || []).filter(active);
    var parts = [];
    parts.push(el("p", {}, [el("a", { href: "#", text: w("backToGroups") })]));
    parts.push(el("p", { className: "oi-muted", text: group.name + " · " + dayText(s.date) + (s.start ? ", " + startTime(s.start) : "") }));
    parts.push(el("p", {}, [el("a", { href: "#print-" + group.id + "-" + s.number, id: "oa-print-link", text: w("printLink") })]));
    var safety = this.safetyBox();
    parts.push(safety);
    parts = parts.concat(ledAlone(group));
    if (future) { parts.push(el("div", { className: "oi-alert oi-alert--info" }, [el("p", { text: w("futureSession", { day: dayText(s.date) }) })])); }
    parts.push(this.stepsPanel(group, s, future));
    if (!future) {
      parts.push(this.rosterPanel(group, s, members));
      parts.push(this.checkPanel(group, s, members));
      parts.push(this.notesPanel(group, s));
      parts.push(this.reportPanel(group, s));
    }
    this.page(w("sessionTitle", { n: s.number, group: group.name }), parts);
    self.drawBar();
  };

  // The printable guide, made on the tablet from the encrypted copy (a PDF cannot be made without the server):
  // the session's steps and script, the safety steps and crisis contacts, and a sheet to mark who came.
  App.prototype.showPrint = function (group, s) {
    var w = this.words;
    var snap = this.vault.copy || {};
    var crisis = snap.crisis || {};
    var printing = snap.print || {};
    var guide = s.guide || {};
    var members = (group.members || []).filter(active);
    var steps = (s.steps || []).map(function (step) {
      return el("li", {}, [el("strong", { text: step.title, lang: pieceLang(step) }),
        step.minutes ? " (" + w("aboutMinutes", { n: step.minutes }) + ")" : null, inEnglish(w, step),
        el("p", { className: "oa-script", text: step.script || "", lang: pieceLang(step) })]);
    });
    var contacts = (crisis.contacts || []).map(function (c) {
      return el("li", { text: [c.name, c.phone, c.hours, c.text ? w("textNumber", { number: c.text }) : ""].filter(Boolean).join(" · ") });
    });
    var rows = members.map(function (m) {
      return el("tr", {}, [el("th", { scope: "row", text: m.name }), el("td", {}), el("td", {}), el("td", {})]);
    });
    var title = w("printTitle", { n: s.number, total: group.sessions_planned || "?", title: guide.title || w("sessionN", { n: s.number }) });
    this.page(title, [
      el("div", { className: "oi-actions oa-print-actions" }, [
        el("button", { type: "button", id: "oa-print", text: w("printNow"), onclick: function () { window.print(); } }),
        el("a", { href: "#session-" + group.id + "-" + s.number, text: w("backToSession") })]),
      el("p", { className: "oi-muted", text: [group.name, dayText(s.date) + (s.start ? ", " + startTime(s.start) : ""), group.location]
        .filter(Boolean).join(" · ") }),
      guide.summary ? el("p", { text: guide.summary, lang: pieceLang(guide) }) : null, inEnglish(w, guide),
      el("h2", { text: w("stepsTitle") }),
      steps.length ? el("ol", { className: "oa-print-steps" }, steps) : el("p", { text: w("noSteps") }),
      el("section", { className: "oa-print-safety", "aria-labelledby": "oa-print-danger" }, [
        el("h2", { id: "oa-print-danger", text: printing.danger_title || w("safetyTitle") }),
        printing.danger_text ? el("p", { text: printing.danger_text }) : null,
        el("h3", { text: w("printSafetyTitle") }),
        el("ol", {}, (snap.safety_steps || []).map(function (t) { return el("li", { text: t }); })),
        el("h3", { text: crisis.title || w("crisisTitle") }),
        (crisis.steps || []).length ? el("ul", {}, crisis.steps.map(function (t) { return el("li", { text: t }); })) : null,
        contacts.length ? el("ul", { className: "oa-contacts" }, contacts) : el("p", { text: w("noContacts") })]),
      el("h2", { text: w("whoCame") }),
      el("table", { className: "oa-print-sheet" }, [
        el("thead", {}, [el("tr", {}, [w("printMember"), w("presentLabel"), w("absentLabel"), w("willTry")].map(function (t) {
          return el("th", { scope: "col", text: t }); }))]),
        el("tbody", {}, rows.length ? rows : [el("tr", {}, [el("td", { colspan: "4", text: w("noMembers") })])])]),
      el("p", { className: "oi-muted", text: w("printMade", { time: when(this.vault.state.lastSync) || w("neverSynced") }) })
    ]);
  };

  App.prototype.panel = function (title, children) {
    var id = uid("h");
    return el("section", { className: "oi-panel", "aria-labelledby": id }, [el("h2", { id: id, text: title })].concat(children));
  };

  App.prototype.stepsPanel = function (group, s, future) {
    var self = this;
    var w = this.words;
    var done = s.done_steps || [];
    var items = (s.steps || []).map(function (step, i) {
      var id = uid("step");
      var box = future ? null : el("input", { type: "checkbox", id: id, value: step.id, checked: done.indexOf(step.id) >= 0 });
      var label = el("label", { "for": future ? null : id }, [el("strong", { text: step.title, lang: pieceLang(step) }),
        step.minutes ? el("span", { className: "oi-muted", text: " (" + w("aboutMinutes", { n: step.minutes }) + ")" }) : null]);
      return el("li", { className: "oi-step" }, [
        el("div", { className: "oi-check" }, future ? [el("strong", { text: step.title, lang: pieceLang(step) })] : [box, label]),
        inEnglish(w, step),
        el("p", { className: "oa-script", text: step.script || "", lang: pieceLang(step) }),
        step.minutes && !future ? self.stepTimer(step.minutes) : null
      ]);
    });
    var list = el("ol", { className: "oi-steps" }, items);
    if (!future) {
      list.addEventListener("change", function () {
        var ticked = [];
        list.querySelectorAll("input[type=checkbox]:checked").forEach(function (b) { ticked.push(b.value); });
        self.add("steps", group.id, s.number, { done: ticked });
      });
    }
    return this.panel(w("stepsTitle"), [items.length ? list : el("p", { text: w("noSteps") })]);
  };

  App.prototype.stepTimer = function (minutes) {
    var w = this.words;
    var left = minutes * 60;
    var running = null;
    var time = el("span", { className: "oi-timer__time", role: "timer" });
    var box = el("div", { className: "oi-timer" });
    var button = el("button", { type: "button", className: "oi-button--secondary", text: w("startTimer") });
    function draw() {
      var sec = Math.abs(left);
      time.textContent = (left < 0 ? "+" : "") + Math.floor(sec / 60) + ":" + ("0" + (sec % 60)).slice(-2);
      box.classList.toggle("oi-timer--over", left < 0);
    }
    button.addEventListener("click", function () {
      if (running) { clearInterval(running); running = null; button.textContent = w("startTimer"); return; }
      running = setInterval(function () { if (!document.body.contains(box)) { clearInterval(running); return; } left -= 1; draw(); }, 1000);
      button.textContent = w("pauseTimer");
    });
    draw();
    box.appendChild(button);
    box.appendChild(time);
    return box;
  };

  App.prototype.rosterPanel = function (group, s, members) {
    var self = this;
    var w = this.words;
    var count = el("p", { className: "oi-muted", id: "oa-marked-count" });
    function recount() {
      var n = 0;
      members.forEach(function (m) { var row = (s.attendance || {})[String(m.id)]; if (row && row.presence) { n += 1; } });
      count.textContent = w("markedCount", { n: n, total: members.length });
    }
    var list = el("ul", { className: "oi-roster" }, members.map(function (m) {
      var row = (s.attendance || {})[String(m.id)] || {};
      var name = "oa-m" + m.id;
      var radios = el("div", { className: "oi-presence" });
      PRESENCE.forEach(function (p) {
        var id = name + "-" + p;
        radios.appendChild(el("input", { type: "radio", name: name, id: id, value: p, checked: row.presence === p, onchange: function () {
          s.attendance = s.attendance || {};
          s.attendance[String(m.id)] = Object.assign({}, s.attendance[String(m.id)] || {}, { presence: p });
          recount();
          self.add("mark", group.id, s.number, { member: m.id, presence: p });
        } }));
        radios.appendChild(el("label", { "for": id, text: w(p + "Label") }));
      });
      var tryId = name + "-try";
      var tryInput = el("input", { type: "text", id: tryId, maxlength: "500", value: row.will_try || "",
                                   "data-draft": "try-" + group.id + "-" + s.number + "-" + m.id, "data-saved": row.will_try || "", onchange: function () {
        self.add("will_try", group.id, s.number, { member: m.id, text: tryInput.value });
      } });
      return el("li", { className: "oi-roster__member" }, [el("fieldset", {}, [
        el("legend", {}, [el("strong", { text: m.name })]),
        radios,
        el("label", { "for": tryId, text: w("willTry") }),
        tryInput
      ])]);
    }));
    recount();
    return this.panel(w("whoCame"), [count, members.length ? list : el("p", { text: w("noMembers") })]);
  };

  App.prototype.instruments = function () {
    var snap = this.vault.copy || {};
    var inst = snap.instruments || {};
    var phq9 = inst.phq9 || { items: [], choices: [] };
    var quick = (inst.phq2 && inst.phq2.items) || ["q1", "q2", "q9"];
    return { items: phq9.items || [], choices: phq9.choices || [], quick: quick };
  };

  App.prototype.checkPanel = function (group, s, members) {
    var self = this;
    var w = this.words;
    var inst = this.instruments();
    var rows = members.map(function (m) {
      var done = (s.checks || {})[String(m.id)];
      var summary = el("summary", { text: m.name + (done ? ": " + (done.instrument === "phq9" ? "PHQ-9" : "PHQ-2") + " " + done.total : "") });
      var details = el("details", { className: "oi-check-member" }, [summary]);
      if (done) {
        details.appendChild(el("p", { text: w(done.waiting ? "checkedWaiting" : "checked", { total: done.total }) }));
        return details;
      }
      var base = "oa-c" + m.id;
      var kindName = base + "-kind";
      var form = el("form", { className: "oi-form", novalidate: true });
      var kinds = el("fieldset", { className: "oi-field" }, [el("legend", { text: w("whichCheck") })]);
      [["quick", w("quickCheck")], ["full", w("fullCheck")]].forEach(function (k, i) {
        var id = kindName + "-" + k[0];
        kinds.appendChild(el("div", { className: "oi-check" }, [
          el("input", { type: "radio", name: kindName, id: id, value: k[0], checked: i === 0 }), el("label", { "for": id, text: k[1] })]));
      });
      form.appendChild(kinds);
      var err = el("p", { className: "oi-field__error", id: base + "-error", hidden: true });
      form.appendChild(err);
      inst.items.forEach(function (item) {
        var n = parseInt(String(item.key).slice(1), 10);
        var id = base + "-" + item.key;
        var select = el("select", { id: id, "data-item": item.key, "data-draft": "check-" + group.id + "-" + s.number + "-" + m.id + "-" + item.key }, [el("option", { value: "", text: "—" })].concat(
          inst.choices.map(function (c) { return el("option", { value: String(c[0]), text: c[0] + " · " + c[1] }); })));
        var field = el("div", { className: "oi-field", "data-item": item.key }, [
          el("label", { "for": id }, [n + ". " + item.text, item.key === "q9" ? el("strong", { text: " " + w("q9Always") }) : null]),
          select]);
        if (item.key === "q9") {
          select.setAttribute("aria-describedby", err.id);
          select.addEventListener("change", function () { if (parseInt(select.value, 10) > 0) { self.showSafety(m.name); } });
        }
        form.appendChild(field);
      });
      function showKind() {
        var full = form.querySelector("input[name='" + kindName + "']:checked").value === "full";
        form.querySelectorAll("div.oi-field[data-item]").forEach(function (f) {
          f.hidden = !full && inst.quick.indexOf(f.getAttribute("data-item")) < 0;
        });
      }
      kinds.addEventListener("change", showKind);
      showKind();
      form.appendChild(el("div", { className: "oi-actions" }, [el("button", { type: "submit", text: w("saveCheck", { name: m.name }) })]));
      form.addEventListener("submit", async function (event) {
        event.preventDefault();
        err.hidden = true;
        var full = form.querySelector("input[name='" + kindName + "']:checked").value === "full";
        var wanted = full ? inst.items.map(function (i) { return i.key; }) : inst.quick;
        var answers = {};
        var missing = [];
        wanted.forEach(function (k) {
          var sel = form.querySelector("select[data-item='" + k + "']");
          if (!sel || sel.value === "") { missing.push(k); } else { answers[k] = parseInt(sel.value, 10); }
        });
        if (missing.indexOf("q9") >= 0) {
          // The safety question is part of every check: nothing is kept without it.
          err.textContent = w("askQ9");
          err.hidden = false;
          form.querySelector("select[data-item=q9]").focus();
          return;
        }
        if (missing.length) {
          err.textContent = w(full ? "answerAllNine" : "answerQuick");
          err.hidden = false;
          form.querySelector("select[data-item='" + missing[0] + "']").focus();
          return;
        }
        var kept = await self.add("check", group.id, s.number, { member: m.id, answers: answers });
        if (!kept) { return; }
        var total = checkTotal(answers);
        var p = el("p", { tabindex: "-1", text: w("checkedWaiting", { total: total }) });
        form.replaceWith(p);
        summary.textContent = m.name + ": " + (full ? "PHQ-9" : "PHQ-2") + " " + total;
        if (answers.q9 > 0) { self.showSafety(m.name); } else { p.focus(); }
      });
      details.appendChild(form);
      return details;
    });
    return this.panel(w("checkTitle"), [el("p", { text: w("checkText") })].concat(rows.length ? rows : [el("p", { text: w("noMembers") })]));
  };

  App.prototype.safetyBox = function () {
    var w = this.words;
    var snap = this.vault.copy || {};
    var crisis = snap.crisis || {};
    var contacts = (crisis.contacts || []).map(function (c) {
      return el("li", {}, [el("strong", { text: c.name }), c.phone ? " · " : null,
        c.phone ? el("a", { href: "tel:" + String(c.phone).replace(/[^0-9+]/g, ""), text: c.phone }) : null,
        c.hours ? " · " + c.hours : null, c.text ? " · " + w("textNumber", { number: c.text }) : null]);
    });
    var box = el("section", { className: "oi-alert oi-alert--error oa-safety", id: "oa-safety", role: "alert", tabindex: "-1",
                              "aria-labelledby": "oa-safety-title", hidden: true }, [
      el("h2", { id: "oa-safety-title", text: w("safetyTitle") }),
      el("p", { id: "oa-safety-who" }),
      el("ol", {}, (snap.safety_steps || []).map(function (t) { return el("li", { text: t }); })),
      el("h3", { text: crisis.title || w("crisisTitle") }),
      (crisis.steps || []).length ? el("ul", {}, crisis.steps.map(function (t) { return el("li", { text: t }); })) : null,
      contacts.length ? el("ul", { className: "oa-contacts" }, contacts) : el("p", { text: w("noContacts") })
    ]);
    return box;
  };

  App.prototype.showSafety = function (name) {
    var box = document.getElementById("oa-safety");
    if (!box) { return; }
    document.getElementById("oa-safety-who").textContent = this.words("safetyWho", { name: name });
    box.hidden = false;
    box.focus();
    box.scrollIntoView({ block: "start" });
  };

  App.prototype.notesPanel = function (group, s) {
    var self = this;
    var w = this.words;
    var id = uid("notes");
    var area = el("textarea", { id: id, rows: "4", "data-draft": "notes-" + group.id + "-" + s.number, "data-saved": s.notes || "" });
    area.value = s.notes || "";
    var done = el("p", { className: "oi-muted", role: "status" });
    var form = el("form", { className: "oi-form", novalidate: true }, [
      el("div", { className: "oi-field" }, [el("label", { "for": id, text: w("notesLabel") }), area]),
      el("div", { className: "oi-actions" }, [el("button", { type: "submit", className: "oi-button--secondary", text: w("saveNotes") })]), done]);
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      if (await self.add("notes", group.id, s.number, { text: area.value, version: s.version })) { done.textContent = w("keptOnTablet"); }
    });
    return this.panel(w("notesTitle"), [form]);
  };

  App.prototype.reportPanel = function (group, s) {
    var self = this;
    var w = this.words;
    if (s.report) {
      return this.panel(w("reportTitle"), [el("p", { text: s.report.waiting ? w("reportWaiting") : w("reportFiled") }),
        el("dl", { className: "oi-facts" }, [el("dt", { text: w("wentWell") }), el("dd", { text: s.report.went_well || "—" }),
          el("dt", { text: w("wasHard") }), el("dd", { text: s.report.was_hard || "—" }),
          el("dt", { text: w("concerns") }), el("dd", { text: s.report.concerns || "—" }),
          el("dt", { text: w("helpWanted") }), el("dd", { text: s.report.help_wanted || "—" })])]);
    }
    var fields = [["went_well", w("wentWell")], ["was_hard", w("wasHard")], ["concerns", w("concerns")], ["help_wanted", w("helpWanted")]];
    var base = uid("r");
    var err = el("p", { className: "oi-field__error", id: base + "-error", hidden: true });
    var form = el("form", { className: "oi-form", novalidate: true }, [err].concat(fields.map(function (f) {
      var id = base + "-" + f[0];
      return el("div", { className: "oi-field" }, [el("label", { "for": id, text: f[1] }),
        el("textarea", { id: id, name: f[0], rows: "3", "aria-describedby": f[0] === "went_well" ? err.id : null,
                         "data-draft": "report-" + group.id + "-" + s.number + "-" + f[0] })]);
    })).concat([el("div", { className: "oi-actions" }, [el("button", { type: "submit", text: w("fileReport") })])]));
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      var data = {};
      fields.forEach(function (f) { data[f[0]] = form.querySelector("[name=" + f[0] + "]").value.trim(); });
      var marked = Object.keys(s.attendance || {}).some(function (k) { return s.attendance[k].presence; });
      err.hidden = true;
      if (!marked) { err.textContent = w("markFirst"); err.hidden = false; return; }
      if (!data.went_well) { err.textContent = w("wentWellNeeded"); err.hidden = false; form.querySelector("[name=went_well]").focus(); return; }
      if (await self.add("report", group.id, s.number, data)) { self.render(); }
    });
    return this.panel(w("reportTitle"), [form]);
  };

  /* ================================================================ the site's own Sign out */

  // openipt.js hands the site header's Sign out form here when this browser keeps groups. The app's own
  // sign-out runs in the page (the same App, drawn in place of the page's content); afterwards the form is
  // sent again, with keep_offline=1 when the facilitator kept the unsent changes: the server then leaves out
  // `Clear-Site-Data: "storage"`, which would remove them (docs/groups/sync.md, "Signing out").
  async function signOutFromSite(form) {
    function proceed(choice) {
      if (choice === "keep" && !form.querySelector("input[name=keep_offline]")) {
        form.appendChild(el("input", { type: "hidden", name: "keep_offline", value: "1" }));
      }
      form.setAttribute("data-offline-done", "1");
      if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
    }
    var meta = await idbGet("meta");
    if (!meta) { setMarker(false); proceed("none"); return; }
    if (!(meta.waiting > 0)) { await wipeAll(); proceed("lose"); return; }
    var words;
    try {
      words = wordsFrom(await wordsForKeepPage());
    } catch (e) {
      window.alert(form.getAttribute("data-offline-unreachable") || "");
      return;
    }
    var main = document.getElementById("main") || document.body;
    var shown = Array.prototype.filter.call(main.children, function (c) { return !c.hidden; });
    shown.forEach(function (c) { c.hidden = true; });
    var root = el("div", { id: "offline-app", className: "oi-facilitator" }, [
      el("section", { id: "oa-bar", className: "oa-bar", hidden: true }, [el("p", { id: "oa-synced" }), el("p", { id: "oa-waiting" }),
        el("button", { type: "button", id: "oa-sync-now", text: words("syncNow") }),
        el("p", { id: "oa-message", className: "oi-sync", role: "status", "aria-live": "polite", tabindex: "-1" })]),
      el("div", { id: "oa-space", className: "oi-alert oi-alert--error", role: "alert", hidden: true }),
      el("section", { id: "oa-problems", className: "oi-alert oi-alert--warning oa-problems", hidden: true }),
      el("span", { id: "oa-sign-out", hidden: true }),  // the app page's own sign-out button: not needed here
      el("div", { id: "oa-screen" })]);
    main.appendChild(root);
    var app = new App(root, words);
    app.site = {
      waiting: meta.waiting,
      done: function (choice) { root.remove(); proceed(choice); },
      cancel: function () {
        root.remove();
        shown.forEach(function (c) { c.hidden = false; });
        var button = form.querySelector("button");
        if (button) { button.focus(); }
      }
    };
    document.getElementById("oa-sync-now").addEventListener("click", function () { app.sync(true); });
    app.showLock();
  }
  window.OpenIPTOffline = { signOutFromSite: signOutFromSite };

  /* ================================================================ start */

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.getElementById("offline-app");
    if (root) {
      var words = wordsFrom(readWords(document) || {});
      var app = new App(root, words);
      document.getElementById("oa-sync-now").addEventListener("click", function () { app.sync(true); });
      app.start().catch(function (e) {
        if (window.console) { window.console.error(e); }
        app.page(words("brokenTitle"), [el("p", { role: "alert", text: words("broken") })]);
      });
      return;
    }
    var form = keepForm();
    if (form) { setUpKeepPage(form).catch(function (e) { if (window.console) { window.console.error(e); } }); }
  });
})();

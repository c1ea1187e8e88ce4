/* Local drafts and offline queues: what this browser keeps until the server has it.
 *
 * One module for every page that keeps a copy in localStorage (the assessment forms, the session
 * note, worksheets, facilitator mode). It never writes words of its own: the words a person reads
 * come from the page, so they are translated with the rest of it. Every page works without it.
 *
 *   OpenIPT.draft(form, options)  keep a copy of a form as it is typed; offer it back after a reload
 *   OpenIPT.queue(key)            a list of changes kept until the server has applied them
 *   OpenIPT.words(element)        the messages a page put in an element's data-* attributes
 *   OpenIPT.storage / load        localStorage (null when the browser refuses it), a kept value
 */
(function (global) {
  "use strict";
  var SKIP = { csrfmiddlewaretoken: 1, version: 1, submission_key: 1, action: 1 };

  function storage() {
    try { return global.localStorage; } catch (e) { return null; }
  }

  function load(store, key, fallback) {
    try {
      var value = JSON.parse(store.getItem(key) || "null");
      return value === null ? fallback : value;
    } catch (e) { return fallback; }
  }

  function keep(store, key, value) {
    try { store.setItem(key, JSON.stringify(value)); return true; } catch (e) { return false; /* storage full or private mode */ }
  }

  // The same values in any key order are the same draft.
  function canonical(value) {
    if (Array.isArray(value)) { return "[" + value.map(canonical).join(",") + "]"; }
    if (value && typeof value === "object") {
      return "{" + Object.keys(value).sort().map(function (k) { return JSON.stringify(k) + ":" + canonical(value[k]); }).join(",") + "}";
    }
    return JSON.stringify(value);
  }
  function same(a, b) { return canonical(a) === canonical(b); }

  function visible(field) { return field.type !== "hidden"; }

  // A form's values: text as typed, the chosen radio ("" when none), ticked checkboxes as a list.
  // `accept(field)` picks the fields to keep (by default every one a person can see).
  function readForm(form, accept) {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || SKIP[field.name] || field.type === "submit" || field.type === "button") { return; }
      if (!(accept || visible)(field)) { return; }
      if (field.type === "radio") {
        if (field.checked) { values[field.name] = field.value; } else if (!(field.name in values)) { values[field.name] = ""; }
      } else if (field.type === "checkbox") {
        values[field.name] = values[field.name] || [];
        if (field.checked) { values[field.name].push(field.value); }
      } else {
        values[field.name] = field.value;
      }
    });
    return values;
  }

  function fillForm(form, values) {
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || !(field.name in values)) { return; }
      var value = values[field.name];
      if (field.type === "radio") { field.checked = field.value === value; }
      else if (field.type === "checkbox") { field.checked = (value || []).indexOf(field.value) !== -1; }
      else if (typeof value === "string") { field.value = value; }
    });
  }

  /* Keep a copy of `form` under its data-draft-key as it is typed.
   *
   * After a reload, a kept copy that differs from the form is offered back through the notice
   * (options.notice, default #draft-restore): its buttons carry data-draft-choice="use" or
   * "discard". A page that shows the saved record (data-saved="1") forgets a copy that matches
   * nothing new. When the server confirms an autosave (the response carries the header named by
   * data-autosave-header or options.header) of exactly what is in the form, the copy is forgotten.
   * Options: accept(field) picks the fields; events lists what to listen to (default ["input"]).
   */
  function draft(form, options) {
    options = options || {};
    var store = storage();
    var key = form.getAttribute("data-draft-key");
    if (!store || !key) { return null; }
    var read = function () { return readForm(form, options.accept); };
    var kept = load(store, key, null);
    var notice = document.getElementById(options.notice || "draft-restore");
    if (kept && kept.values && !same(kept.values, read())) {
      if (notice) {
        notice.hidden = false;
        notice.addEventListener("click", function (event) {
          var choice = event.target.getAttribute("data-draft-choice");
          if (!choice) { return; }
          if (choice === "use") {
            fillForm(form, kept.values);
            form.dispatchEvent(new Event("input", { bubbles: true }));
          } else {
            store.removeItem(key);
          }
          notice.hidden = true;
        });
      }
    } else if (kept && form.getAttribute("data-saved") === "1") {
      store.removeItem(key);
    }
    (options.events || ["input"]).forEach(function (name) {
      form.addEventListener(name, function () { keep(store, key, { values: read(), at: Date.now() }); });
    });
    var header = form.getAttribute("data-autosave-header") || options.header;
    var lastSent = null;
    if (header) {
      form.addEventListener("htmx:beforeRequest", function () { lastSent = canonical(read()); });
      form.addEventListener("htmx:afterRequest", function (event) {
        var xhr = event.detail && event.detail.xhr;
        var saved = event.detail && event.detail.successful && xhr && xhr.getResponseHeader(header);
        if (saved && lastSent === canonical(read())) { store.removeItem(key); }
      });
    }
    return { key: key, kept: kept, forget: function () { store.removeItem(key); } };
  }

  function newKey() {
    if (global.crypto && global.crypto.randomUUID) { return global.crypto.randomUUID(); }
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12);
  }

  /* A list kept under `key` until the server has each item; each item gets its own key so the
     server can apply it once however often it is sent. */
  function queue(key) {
    var store = storage();
    function items() { return store ? load(store, key, []) : []; }
    function save(list) {
      if (!store) { return; }
      if (list.length) { keep(store, key, list); } else { store.removeItem(key); }
    }
    return {
      items: items,
      count: function () { return items().length; },
      add: function (kind, data) {
        var item = { key: newKey(), kind: kind, data: data };
        save(items().concat([item]));
        return item;
      },
      push: function (entry) { save(items().concat([entry])); },
      done: function (keys) { save(items().filter(function (item) { return !keys[item.key]; })); },
      clear: function () { if (store) { store.removeItem(key); } }
    };
  }

  /* The messages a page gives in data-* attributes of `element`, e.g. data-all-saved="All changes saved."
     is words("allSaved"); words("waiting", {n: 3}) puts 3 for {n}. A message the page did not give is
     an error in the page, so it is reported in the console and the name is shown. */
  function words(element) {
    var data = (element && element.dataset) || {};
    // "nameOne" (data-name-one) is the wording for a count of 1
    return function (name, values) {
      var text = values && values.n === 1 && typeof data[name + "One"] === "string" ? data[name + "One"] : data[name];
      if (typeof text !== "string") {
        if (global.console) { global.console.error("OpenIPT: the page has no message " + name); }
        return name;
      }
      Object.keys(values || {}).forEach(function (k) { text = text.split("{" + k + "}").join(String(values[k])); });
      return text;
    };
  }

  global.OpenIPT = global.OpenIPT || {};
  global.OpenIPT.draft = draft;
  global.OpenIPT.queue = queue;
  global.OpenIPT.words = words;
  global.OpenIPT.storage = storage;
  global.OpenIPT.load = load;
})(window);

/* zhie review page: the review queue, one document with its entities, relations and events,
   edited in place and saved as a new version through the service's review endpoints.
   Offsets are code-point indices (Python str indices), never UTF-16 units. */
"use strict";

const TOKEN_KEY = "zhie.review.token";      // sessionStorage: the tab forgets it when closed
const REVIEWER_KEY = "zhie.review.reviewer"; // localStorage: a name, not a secret
const CONFLICT_MESSAGE = "changed meanwhile — reload";

const state = {
  schema: null,          // /review/schema.json
  labels: {},            // label -> {label, colour, key, core}
  byKey: {},             // shortcut key -> label
  eventTypes: {},        // type -> {type, colour, roles}
  queue: [],
  doc: null,             // the document as the service returned it
  cps: [],               // the text as code points
  ann: null,             // the working copy {entities, relations, events}
  dirty: false,
  selected: null,        // id of the selected entity
  pending: null,         // a selected text span {start, end, text}
  relType: null,         // the relation type chosen in the "add relation" row
  discardArmed: null,    // id of a document a second click will open, discarding changes
};

/* ------------------------------------------------------------------ small helpers */

const $ = (sel) => document.querySelector(sel);

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "text") el.textContent = v;
    else if (k === "colour") el.style.setProperty("--c", v);
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (v === true) el.setAttribute(k, "");
    else el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const cpLength = (s) => Array.from(s).length;
const clone = (x) => JSON.parse(JSON.stringify(x));
const entityById = (id) => state.ann.entities.find((e) => e.id === id);
const short = (s, n = 18) => (cpLength(s) > n ? Array.from(s).slice(0, n).join("") + "…" : s);

function status(message, kind = "info", action = null) {
  const el = $("#status");
  el.textContent = message;
  el.className = kind;
  if (action) el.append(" ", h("button", {type: "button", id: "status-action", onclick: action.run}, action.label));
}

function formatValue(v) {
  if (v === null || v === undefined) return "—";
  return new Intl.NumberFormat("en", {maximumFractionDigits: 4}).format(v);
}

const labelColour = (label) => (state.labels[label] ? state.labels[label].colour : "#dddddd");
const eventColour = (type) => (state.eventTypes[type] ? state.eventTypes[type].colour : "#555555");

function normText(e) {
  if (e.label === "DATE") return e.norm || "norm —";
  if (e.label === "AMOUNT") return `${formatValue(e.value)} ${e.unit || ""}${e.approx ? " ≈" : ""}`.trim();
  return "";
}

/* ------------------------------------------------------------------ the API */

class ApiFailure extends Error {
  constructor(status, error) {
    super(error.message || `HTTP ${status}`);
    this.status = status;
    this.type = error.type || "";
    this.field = error.field || null;
  }
}

async function api(method, path, body) {
  const headers = {Accept: "application/json"};
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, {method, headers, body: body === undefined ? undefined : JSON.stringify(body)});
  } catch (err) {
    throw new ApiFailure(0, {type: "network", message: `the service cannot be reached (${err.message})`});
  }
  let data = null;
  try { data = await response.json(); } catch (_) { data = null; }
  if (!response.ok) {
    const error = (data && data.error) || {type: `http_${response.status}`, message: response.statusText};
    if (response.status === 401) askToken("This service needs its API token: " + error.message);
    throw new ApiFailure(response.status, error);
  }
  return data;
}

function explain(err, what) {
  if (err.status === 409 && err.type === "version_conflict") {
    status(`${CONFLICT_MESSAGE} (${err.message})`, "conflict", {label: "Reload", run: () => openDocument(state.doc.id, true)});
  } else if (err.status === 401) {
    status(`${what}: the API token is missing or wrong — give it and try again`, "error");
  } else {
    status(`${what}: ${err.message}${err.field ? ` [${err.field}]` : ""}`, "error");
  }
}

/* ------------------------------------------------------------------ token and reviewer */

function askToken(reason) {
  $("#token-reason").textContent = reason || "Give the service's API token (kept in this tab only).";
  $("#token-dialog").hidden = false;
  $("#token-input").value = "";
  $("#token-input").focus();
}

function showTokenState() {
  $("#token-state").textContent = sessionStorage.getItem(TOKEN_KEY) ? "token set" : "no token";
}

function reviewerName() {
  const name = $("#reviewer").value.trim();
  if (!name) {
    status("give your name as reviewer first (it is recorded with every version)", "error");
    $("#reviewer").focus();
    return null;
  }
  localStorage.setItem(REVIEWER_KEY, name);
  return name;
}

/* ------------------------------------------------------------------ queue and documents */

async function loadQueue() {
  try {
    const data = await api("GET", "/v1/review/queue?limit=100");
    state.queue = data.documents;
    renderQueue();
  } catch (err) {
    explain(err, "could not load the queue");
  }
}

function renderQueue() {
  const list = $("#queue");
  list.textContent = "";
  if (!state.queue.length) list.append(h("li", {class: "muted"}, "nothing to review"));
  for (const item of state.queue) {
    const u = item.uncertainty === null || item.uncertainty === undefined ? "—" : item.uncertainty.toFixed(3);
    list.append(h("li", {dataset: {id: item.id}, class: state.doc && state.doc.id === item.id ? "current" : null},
      h("button", {type: "button", onclick: () => openDocument(item.id)},
        h("span", {class: "qid"}, item.id), h("span", {class: "unc", title: "uncertainty"}, u),
        h("span", {class: "preview"}, item.preview))));
  }
}

async function openDocument(id, discard = false) {
  if (state.dirty && !discard && state.doc && state.discardArmed !== id) {
    state.discardArmed = id;
    status(`unsaved changes in ${state.doc.id}: save them, or open ${id} again to discard them`, "error");
    return;
  }
  try {
    const doc = await api("GET", `/v1/documents/${encodeURIComponent(id)}`);
    state.doc = doc;
    state.cps = Array.from(doc.text);
    const ann = clone(doc.annotation || {});
    state.ann = {entities: ann.entities || [], relations: ann.relations || [],
                 events: (ann.events || []).map((v) => ({...v, arguments: v.arguments || []}))};
    state.dirty = false;
    state.selected = null;
    state.pending = null;
    state.discardArmed = null;
    history.replaceState(null, "", `#doc=${encodeURIComponent(id)}`);
    render();
    renderQueue();
    status(`opened ${id}, version ${doc.version}${doc.reviewed ? " (reviewed)" : ""}`);
  } catch (err) {
    explain(err, `could not open ${id}`);
  }
}

function annotationToSend() {
  return clone(state.ann);
}

async function save(reviewed) {
  if (!state.doc) return;
  const reviewer = reviewerName();
  if (!reviewer) return;
  const body = {base_version: state.doc.version, reviewer, reviewed, annotation: annotationToSend()};
  const note = $("#note").value.trim();
  if (note) body.note = note;
  try {
    const out = await api("PUT", `/v1/documents/${encodeURIComponent(state.doc.id)}/annotation`, body);
    const summary = (out.changes && out.changes.summary) || "no change";
    $("#note").value = "";
    state.dirty = false;
    await openDocument(state.doc.id, true);
    await loadQueue();
    status(`saved version ${out.version}${reviewed ? " (reviewed)" : " (draft)"}: ${summary}`, "ok");
  } catch (err) {
    explain(err, "not saved");
  }
}

async function markReviewed() {
  if (!state.doc) return;
  if (state.dirty) {
    status("there are unsaved changes: save them (Save & mark reviewed) or reload to discard them", "error");
    return;
  }
  const reviewer = reviewerName();
  if (!reviewer) return;
  try {
    const out = await api("POST", `/v1/documents/${encodeURIComponent(state.doc.id)}/reviewed`,
                          {base_version: state.doc.version, reviewer});
    await openDocument(state.doc.id, true);
    await loadQueue();
    status(`version ${out.version} marked reviewed by ${out.reviewer}`, "ok");
  } catch (err) {
    explain(err, "not marked reviewed");
  }
}

/* ------------------------------------------------------------------ editing */

function changed(message) {
  state.dirty = true;
  state.discardArmed = null;
  render();
  if (message) status(message);
}

function freshId(prefix) {
  const used = new Set([...state.ann.entities.map((e) => e.id), ...state.ann.events.map((v) => v.id)]);
  for (let n = 1; ; n++) if (!used.has(`${prefix}${n}`)) return `${prefix}${n}`;
}

function setNormFields(e) {
  delete e.value; delete e.unit; delete e.approx; delete e.norm;
  if (e.label === "AMOUNT") Object.assign(e, {value: null, unit: null, approx: false});
  if (e.label === "DATE") e.norm = null;
}

function relationFits(r) {
  const spec = state.schema.relations.find((x) => x.type === r.type);
  const head = entityById(r.head), tail = entityById(r.tail);
  return spec && head && tail && spec.head.includes(head.label) && spec.tail.includes(tail.label);
}

function addEntity(span, label) {
  const same = state.ann.entities.find((e) => e.start === span.start && e.end === span.end);
  if (same) { relabel(same.id, label); return; }
  const clash = state.ann.entities.find((e) => e.start < span.end && span.start < e.end);
  if (clash) {
    status(`«${span.text}» overlaps ${clash.label} «${clash.text}» (${clash.id}); entities may not overlap — ` +
           "delete or change that one first", "error");
    return;
  }
  const e = {id: freshId("e"), label, start: span.start, end: span.end, text: span.text};
  setNormFields(e);
  state.ann.entities.push(e);
  state.ann.entities.sort((a, b) => a.start - b.start);
  state.selected = e.id;
  state.pending = null;
  window.getSelection().removeAllRanges();
  changed(`added ${label} «${span.text}» as ${e.id}`);
}

function relabel(id, label) {
  const e = entityById(id);
  if (!e || e.label === label) return;
  const before = e.label;
  e.label = label;
  delete e.score;
  setNormFields(e);
  const kept = state.ann.relations.filter(relationFits);
  const dropped = state.ann.relations.length - kept.length;
  state.ann.relations = kept;
  state.selected = id;
  changed(`${id} «${e.text}»: ${before} → ${label}` + (dropped ? `; ${dropped} relation(s) that no longer fit removed` : ""));
}

function deleteEntity(id) {
  const e = entityById(id);
  if (!e) return;
  state.ann.entities = state.ann.entities.filter((x) => x.id !== id);
  const rels = state.ann.relations.length;
  state.ann.relations = state.ann.relations.filter((r) => r.head !== id && r.tail !== id);
  let args = 0;
  for (const v of state.ann.events) {
    const n = v.arguments.length;
    v.arguments = v.arguments.filter((a) => a.entity !== id);
    args += n - v.arguments.length;
  }
  state.selected = null;
  changed(`deleted ${e.label} «${e.text}» (${id}); removed ${rels - state.ann.relations.length} relation(s) and ` +
          `${args} event argument(s) pointing at it`);
}

function setNorm(id, field, raw) {
  const e = entityById(id);
  if (!e) return;
  if (field === "value") {
    const text = raw.trim();
    const value = text === "" ? null : Number(text);
    if (text !== "" && !Number.isFinite(value)) { status(`value must be a number, got «${raw}»`, "error"); render(); return; }
    e.value = value;
  } else if (field === "approx") {
    e.approx = raw;
  } else {
    e[field] = raw.trim() === "" ? null : raw.trim();
  }
  delete e.score;
  changed(`${id} «${e.text}»: ${field} = ${field === "value" ? formatValue(e.value) : e[field]}`);
}

function argumentFor(role, target) {
  if (target.startsWith("entity:")) {
    const e = entityById(target.slice(7));
    return {role, entity: e.id, start: e.start, end: e.end, text: e.text};
  }
  if (target === "selection" && state.pending) {
    const p = state.pending;
    return {role, start: p.start, end: p.end, text: p.text};
  }
  return null;
}

function addEvent(type, span) {
  const v = {id: freshId("v"), type, trigger: {start: span.start, end: span.end, text: span.text}, arguments: []};
  state.ann.events.push(v);
  state.pending = null;
  window.getSelection().removeAllRanges();
  changed(`added ${type} event ${v.id} with trigger «${span.text}»; now give it its arguments`);
}

/* ------------------------------------------------------------------ text selection */

function spanFromSelection() {
  const sel = window.getSelection();
  const root = $("#text");
  if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
  const range = sel.getRangeAt(0);
  if (!root.contains(range.startContainer) || !root.contains(range.endContainer)) return null;
  const before = document.createRange();
  before.setStart(root, 0);
  before.setEnd(range.startContainer, range.startOffset);
  let start = cpLength(before.toString());
  let end = start + cpLength(range.toString());
  while (start < end && /\s/.test(state.cps[start])) start++;
  while (end > start && /\s/.test(state.cps[end - 1])) end--;
  if (start >= end) return null;
  return {start, end, text: state.cps.slice(start, end).join("")};
}

function onTextMouseUp(event) {
  const span = spanFromSelection();
  if (span) {
    state.pending = span;
    state.selected = null;
    renderSide();
    return;
  }
  const mark = event.target.closest(".ent");
  const trigger = event.target.closest(".trig");
  state.pending = null;
  state.selected = mark ? mark.dataset.id : null;
  render();
  if (trigger) {  // show the event of a clicked trigger
    const card = document.querySelector(`.event[data-id="${CSS.escape(trigger.dataset.event)}"]`);
    if (card) { card.classList.add("focus"); card.scrollIntoView({block: "nearest"}); }
  }
}

function onKey(event) {
  if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
    event.preventDefault();
    if (state.doc) save(true);
    return;
  }
  const field = event.target.closest && event.target.closest("input, select, textarea, button[type=submit]");
  if (field || event.ctrlKey || event.metaKey || event.altKey || !state.doc) return;
  const label = state.byKey[event.key];
  if (label) {
    const span = spanFromSelection() || state.pending;
    if (span) addEntity(span, label);
    else if (state.selected) relabel(state.selected, label);
    else return;
    event.preventDefault();
  } else if ((event.key === "Delete" || event.key === "Backspace") && state.selected) {
    event.preventDefault();
    deleteEntity(state.selected);
  } else if (event.key === "Escape") {
    state.selected = null;
    state.pending = null;
    window.getSelection().removeAllRanges();
    render();
  }
}

/* ------------------------------------------------------------------ rendering */

function render() {
  const open = !!state.doc;
  $("#save-bar").hidden = !open;
  $("#side-pane").hidden = !open;
  $("#history-pane").hidden = !open;
  if (!open) return;
  const d = state.doc;
  $("#doc-title").textContent = d.id;
  $("#doc-version").textContent = `version ${d.version}` + (d.reviewed ? " · reviewed" : " · not reviewed") +
                                  (state.dirty ? " · unsaved changes" : "");
  $("#doc-version").className = state.dirty ? "dirty" : "";
  renderText();
  renderSide();
  renderHistory();
}

function renderLegend() {
  const legend = $("#legend");
  legend.textContent = "";
  for (const l of state.schema.labels) {
    legend.append(h("span", {class: "chip", colour: l.colour, title: `press ${l.key} to give a selected span this label`},
      h("kbd", {}, l.key), l.label));
  }
  for (const v of state.schema.events) {
    legend.append(h("span", {class: "chip trigger-chip", colour: v.colour}, v.type));
  }
}

function renderText() {
  const root = $("#text");
  root.textContent = "";
  const n = state.cps.length;
  const entAt = new Array(n).fill(null), trigAt = new Array(n).fill(null), argAt = new Array(n).fill(null);
  for (const e of state.ann.entities) for (let i = e.start; i < e.end && i < n; i++) entAt[i] = e;
  for (const v of state.ann.events) {
    for (let i = v.trigger.start; i < v.trigger.end && i < n; i++) trigAt[i] = v;
    for (const a of v.arguments) if (!a.entity) for (let i = a.start; i < a.end && i < n; i++) argAt[i] = a;
  }
  let mark = null, markEntity = null;
  for (let i = 0; i < n;) {
    const e = entAt[i], t = trigAt[i], a = argAt[i];
    let j = i + 1;
    while (j < n && entAt[j] === e && trigAt[j] === t && argAt[j] === a) j++;
    if (!e) { mark = null; markEntity = null; }
    else if (e !== markEntity) {
      const norm = normText(e);
      const doubtful = typeof e.score === "number" && e.score < 0.8;
      mark = h("mark", {class: "ent" + (state.selected === e.id ? " selected" : "") + (doubtful ? " doubtful" : ""),
                        colour: labelColour(e.label),
                        dataset: {id: e.id, label: norm ? `${e.label} · ${norm}` : e.label},
                        title: `${e.id} ${e.label}` + (norm ? ` · ${norm}` : "") +
                               (typeof e.score === "number" ? ` · score ${e.score.toFixed(3)}` : "")});
      markEntity = e;
      root.append(mark);
    }
    const piece = state.cps.slice(i, j).join("");
    let node;
    if (t || a) {
      const classes = [t ? "trig" : "", a ? "parg" : ""].filter(Boolean).join(" ");
      node = h("span", {class: classes, colour: t ? eventColour(t.type) : null,
                        dataset: t ? {event: t.id} : {}, title: t ? `${t.id} ${t.type} trigger` : `argument ${a.role}`},
               piece);
    } else {
      node = document.createTextNode(piece);
    }
    (mark || root).append(node);
    i = j;
  }
}

function labelButtons(onPick, current) {
  return state.schema.labels.map((l) => h("button", {type: "button", class: "chip" + (l.label === current ? " on" : ""),
    colour: l.colour, dataset: {label: l.label}, title: `key ${l.key}`, onclick: () => onPick(l.label)},
    h("kbd", {}, l.key), l.label));
}

function renderSide() {
  // the selected text
  const p = state.pending;
  $("#selection-pane").hidden = !p;
  if (p) {
    $("#sel-text").textContent = p.text;
    $("#sel-range").textContent = `[${p.start}:${p.end}]`;
    const labels = $("#sel-labels");
    labels.textContent = "";
    labels.append(h("span", {class: "muted"}, "add as "), ...labelButtons((label) => addEntity(p, label)));
    const trig = $("#sel-trigger");
    trig.textContent = "";
    trig.append(h("span", {class: "muted"}, "new event with this trigger: "),
      ...state.schema.events.map((v) => h("button", {type: "button", class: "chip trigger-chip", colour: v.colour,
        dataset: {type: v.type}, onclick: () => addEvent(v.type, p)}, v.type)));
  }
  // the selected entity
  const e = state.selected ? entityById(state.selected) : null;
  $("#entity-pane").hidden = !e;
  if (e) {
    $("#ent-id").textContent = e.id;
    $("#ent-text").textContent = e.text;
    $("#ent-range").textContent = `[${e.start}:${e.end}]` + (typeof e.score === "number" ? ` score ${e.score.toFixed(3)}` : "");
    const labels = $("#ent-labels");
    labels.textContent = "";
    labels.append(...labelButtons((label) => relabel(e.id, label), e.label));
    renderNormEditor(e);
  }
  renderEvents();
  renderRelations();
  renderEntityTable();
}

function renderNormEditor(e) {
  const box = $("#ent-norm");
  box.textContent = "";
  if (e.label === "DATE") {
    box.append(h("label", {}, "norm (ISO 8601) ",
      h("input", {id: "norm-date", type: "text", value: e.norm || "", placeholder: "2023-06-12 or 2023-01/2023-06",
                  onchange: (ev) => setNorm(e.id, "norm", ev.target.value)})));
  } else if (e.label === "AMOUNT") {
    box.append(
      h("label", {}, "value ", h("input", {id: "norm-value", type: "text", inputmode: "decimal", size: 14,
        value: e.value === null || e.value === undefined ? "" : String(e.value),
        onchange: (ev) => setNorm(e.id, "value", ev.target.value)})),
      h("label", {}, " unit ", h("input", {id: "norm-unit", type: "text", size: 5, value: e.unit || "",
        placeholder: "CNY", onchange: (ev) => setNorm(e.id, "unit", ev.target.value)})),
      h("label", {}, " ", h("input", {id: "norm-approx", type: "checkbox", checked: !!e.approx,
        onchange: (ev) => setNorm(e.id, "approx", ev.target.checked)}), " approx"));
  }
}

function targetOptions(selected, withSelection) {
  const opts = state.ann.entities.map((e) => h("option", {value: `entity:${e.id}`, selected: selected === `entity:${e.id}`},
    `${e.id} ${e.label} ${short(e.text)}`));
  if (selected && selected.startsWith("span:")) {
    const [, s, t] = selected.split(":");
    opts.unshift(h("option", {value: selected, selected: true}, `«${short(state.cps.slice(+s, +t).join(""))}» (span)`));
  }
  if (withSelection && state.pending) {
    opts.unshift(h("option", {value: "selection"}, `selected text «${short(state.pending.text)}» (span)`));
  }
  if (!selected) opts.unshift(h("option", {value: "", selected: true}, "— an entity, or select text —"));
  return opts;
}

function renderEvents() {
  const box = $("#events");
  box.textContent = "";
  if (!state.ann.events.length) box.append(h("p", {class: "muted"}, "no events"));
  for (const v of state.ann.events) {
    const spec = state.eventTypes[v.type];
    const roles = spec ? spec.roles : [];
    const typeSelect = h("select", {class: "event-type", onchange: (ev) => changeEventType(v, ev.target.value)},
      state.schema.events.map((t) => h("option", {value: t.type, selected: t.type === v.type}, t.type)));
    const rows = v.arguments.map((a, k) => h("tr", {dataset: {index: k}},
      h("td", {}, h("select", {class: "arg-role", onchange: (ev) => { a.role = ev.target.value; delete a.score;
                                                                       changed(`${v.id}: argument ${k + 1} is now ${a.role}`); }},
        roles.map((r) => h("option", {value: r, selected: r === a.role}, r)))),
      h("td", {}, h("select", {class: "arg-target", onchange: (ev) => retarget(v, k, ev.target.value)},
        targetOptions(a.entity ? `entity:${a.entity}` : `span:${a.start}:${a.end}`, true))),
      h("td", {}, h("button", {type: "button", class: "arg-delete danger", title: "remove this argument",
        onclick: () => { v.arguments.splice(k, 1); changed(`${v.id}: removed argument ${a.role} «${a.text}»`); }}, "×"))));
    const addRole = h("select", {class: "role"}, roles.map((r) => h("option", {value: r}, r)));
    const addTarget = h("select", {class: "target"}, targetOptions(null, true));
    const addButton = h("button", {type: "button", class: "arg-add-button", onclick: () => {
      const arg = argumentFor(addRole.value, addTarget.value);
      if (!arg) { status("choose an entity, or select a span of the text, as the argument", "error"); return; }
      v.arguments.push(arg);
      changed(`${v.id}: added argument ${arg.role} «${arg.text}»`);
    }}, "add");
    const setTrigger = h("button", {type: "button", class: "set-trigger", disabled: !state.pending,
      title: "use the selected text as this event's trigger", onclick: () => {
        const p = state.pending;
        v.trigger = {start: p.start, end: p.end, text: p.text};
        state.pending = null;
        changed(`${v.id}: trigger is now «${p.text}»`);
      }}, "trigger ← selection");
    box.append(h("div", {class: "event", colour: spec ? spec.colour : "#666", dataset: {id: v.id}},
      h("div", {class: "event-head"}, h("span", {class: "muted"}, v.id), typeSelect,
        h("span", {class: "trigger-text", title: `[${v.trigger.start}:${v.trigger.end}]`}, `«${v.trigger.text}»`),
        setTrigger,
        h("button", {type: "button", class: "event-delete danger", title: "delete this event",
          onclick: () => { state.ann.events = state.ann.events.filter((x) => x !== v);
                           changed(`deleted event ${v.id} (${v.type} «${v.trigger.text}»)`); }}, "delete")),
      h("table", {class: "args"}, h("tbody", {}, rows)),
      h("div", {class: "arg-add row"}, addRole, addTarget, addButton)));
  }
}

function changeEventType(v, type) {
  const roles = state.eventTypes[type].roles;
  const dropped = v.arguments.filter((a) => !roles.includes(a.role));
  v.type = type;
  v.arguments = v.arguments.filter((a) => roles.includes(a.role));
  delete v.score;
  changed(`${v.id} is now ${type}` + (dropped.length ? `; removed ${dropped.map((a) => a.role).join(", ")} (not roles of ${type})` : ""));
}

function retarget(v, k, target) {
  const old = v.arguments[k];
  if (target.startsWith("span:")) return;
  const arg = argumentFor(old.role, target);
  if (!arg) return;
  v.arguments[k] = arg;
  changed(`${v.id}: ${arg.role} is now «${arg.text}»`);
}

function renderRelations() {
  const list = $("#relations");
  list.textContent = "";
  if (!state.ann.relations.length) list.append(h("li", {class: "muted"}, "no relations"));
  state.ann.relations.forEach((r, k) => {
    const head = entityById(r.head), tail = entityById(r.tail);
    list.append(h("li", {dataset: {index: k}}, h("span", {class: "rel-type"}, r.type), " ",
      head ? short(head.text) : r.head, " → ", tail ? short(tail.text) : r.tail, " ",
      h("button", {type: "button", class: "rel-delete danger", title: "remove this relation",
        onclick: () => { state.ann.relations.splice(k, 1); changed(`removed ${r.type} ${r.head} → ${r.tail}`); }}, "×")));
  });
  const row = $("#relation-add");
  row.textContent = "";
  const specs = state.schema.relations;
  const spec = specs.find((s) => s.type === state.relType) || specs[0];
  const typeSelect = h("select", {class: "rel-new-type", onchange: (ev) => { state.relType = ev.target.value; renderRelations(); }},
    specs.map((s) => h("option", {value: s.type, selected: s.type === spec.type}, s.type)));
  const pick = (labels, cls) => h("select", {class: cls}, state.ann.entities.filter((e) => labels.includes(e.label))
    .map((e) => h("option", {value: e.id}, `${e.id} ${short(e.text, 10)}`)));
  const headSelect = pick(spec.head, "rel-head"), tailSelect = pick(spec.tail, "rel-tail");
  row.append(typeSelect, headSelect, "→", tailSelect, h("button", {type: "button", onclick: () => {
    if (!headSelect.value || !tailSelect.value) { status(`${spec.type} needs a ${spec.head.join("/")} and a ${spec.tail.join("/")}`, "error"); return; }
    if (state.ann.relations.some((r) => r.type === spec.type && r.head === headSelect.value && r.tail === tailSelect.value)) {
      status("that relation is already there", "error"); return;
    }
    state.ann.relations.push({type: spec.type, head: headSelect.value, tail: tailSelect.value});
    changed(`added ${spec.type} ${headSelect.value} → ${tailSelect.value}`);
  }}, "add"));
}

function renderEntityTable() {
  const body = $("#entities tbody");
  body.textContent = "";
  for (const e of state.ann.entities) {
    body.append(h("tr", {dataset: {id: e.id}, class: state.selected === e.id ? "selected" : null,
                         onclick: () => { state.selected = e.id; state.pending = null; render(); }},
      h("td", {class: "muted"}, e.id), h("td", {}, h("span", {class: "chip", colour: labelColour(e.label)}, e.label)),
      h("td", {}, e.text), h("td", {class: "norm"}, normText(e)),
      h("td", {class: "muted"}, typeof e.score === "number" ? e.score.toFixed(2) : "")));
  }
}

function renderHistory() {
  const list = $("#history");
  list.textContent = "";
  for (const item of state.doc.history || []) {
    list.append(h("li", {dataset: {kind: item.kind, version: item.version}},
      h("b", {}, `v${item.version} ${item.kind}`), ` · ${item.author} · ${item.at.replace("T", " ").slice(0, 19)} · `,
      item.summary));
  }
}

/* ------------------------------------------------------------------ start */

async function start() {
  try {
    const r = await fetch("/review/schema.json");
    state.schema = await r.json();
  } catch (err) {
    status(`the page's schema could not be loaded: ${err.message}`, "error");
    return;
  }
  for (const l of state.schema.labels) { state.labels[l.label] = l; state.byKey[l.key] = l.label; }
  for (const v of state.schema.events) state.eventTypes[v.type] = v;
  state.relType = state.schema.relations[0].type;
  renderLegend();

  $("#reviewer").value = localStorage.getItem(REVIEWER_KEY) || "";
  $("#reviewer").addEventListener("change", () => localStorage.setItem(REVIEWER_KEY, $("#reviewer").value.trim()));
  $("#token-button").addEventListener("click", () => askToken());
  $("#token-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const token = $("#token-input").value.trim();
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    $("#token-dialog").hidden = true;
    showTokenState();
    status(token ? "token kept for this tab" : "no token given");
    loadQueue();
    if (state.doc && !state.dirty) openDocument(state.doc.id, true);
  });
  $("#token-clear").addEventListener("click", () => {
    sessionStorage.removeItem(TOKEN_KEY);
    $("#token-dialog").hidden = true;
    showTokenState();
    status("token forgotten");
  });
  $("#token-cancel").addEventListener("click", () => { $("#token-dialog").hidden = true; });
  $("#queue-reload").addEventListener("click", loadQueue);
  $("#save-draft").addEventListener("click", () => save(false));
  $("#save-reviewed").addEventListener("click", () => save(true));
  $("#mark-reviewed").addEventListener("click", markReviewed);
  $("#reload-doc").addEventListener("click", () => state.doc && openDocument(state.doc.id, true));
  $("#text").addEventListener("mouseup", onTextMouseUp);
  document.addEventListener("keydown", onKey);
  window.addEventListener("beforeunload", (ev) => { if (state.dirty) ev.preventDefault(); });
  showTokenState();

  await loadQueue();
  const wanted = new URLSearchParams(location.hash.slice(1)).get("doc");
  if (wanted) await openDocument(wanted);
}

document.addEventListener("DOMContentLoaded", start);

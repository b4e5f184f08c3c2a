// tfsess GraphWidget front-end (anywidget ES module): lays out the widget's DOT with Graphviz compiled to
// WebAssembly (@viz-js/viz, sent once per kernel by the shared VizEngine model) in a Web Worker when the page
// allows one (else on the page's thread), and draws it with fit-to-width, zoom, pan, search, expandable
// name-scope boxes, an info card per node and a jump to the ops the cell added. Never throws into the page:
// failures show in the widget and in `status`.

const MIN_TEXT_PX = 12;          // no text smaller than this after "fit"
const NATURAL = 96 / 72;         // px per Graphviz point at 100 % zoom
const LAYOUT_TIMEOUT_MS = 30000; // a layout taking longer is stopped (worker terminated)
const MIN_HEIGHT = 120;
const PAD = 12;
const CACHE = Symbol.for("tfsess.graph_view.engine");

// ----- the Graphviz engine: one per page per version, asked from the kernel (never saved in a notebook) ------

const ENGINE_REQUEST = "tfsess:engine?";   // page -> kernel (custom widget message)
const ENGINE_REPLY = "tfsess:engine";      // kernel -> page, the gzipped module as buffers[0]
const ASK_AGAIN_MS = 5000;                 // another view asks its own kernel comm if no answer came by then

function requestEngineText(model) {
  // one request on this model's comm; resolves with the module's text when the kernel answers (it may be
  // busy running cells: there is no timeout, the view shows its saved picture meanwhile)
  return new Promise((resolve, reject) => {
    const onMsg = (msg, buffers) => {
      if (!msg || msg.type !== ENGINE_REPLY) return;
      model.off("msg:custom", onMsg);
      const data = buffers && buffers[0];
      if (!data) { reject(new Error("the kernel sent no Graphviz engine")); return; }
      gunzipText(data).then(resolve, reject);
    };
    model.on("msg:custom", onMsg);
    try {
      model.send({type: ENGINE_REQUEST, version: model.get("engine_version")});
    } catch (e) {
      model.off("msg:custom", onMsg);
      reject(e);
    }
  });
}

async function gunzipText(data) {
  const view = data instanceof DataView ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    : data instanceof ArrayBuffer ? new Uint8Array(data) : data;
  const stream = new Blob([view]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Response(stream).text();
}

const WORKER_SOURCE = (vizUrl) => `
let vizPromise = import(${JSON.stringify(vizUrl)}).then(m => m.instance());
vizPromise.then(() => postMessage({ready: true}), e => postMessage({ready: false, error: String(e && e.message || e)}));
onmessage = async (event) => {
  const {id, dot, options} = event.data;
  try {
    const viz = await vizPromise;
    postMessage({id, svg: viz.renderString(dot, Object.assign({}, options, {format: "svg"}))});
  } catch (e) {
    postMessage({id, error: String(e && e.message || e)});
  }
};`;

class Engine {
  constructor(vizUrl) {
    this.vizUrl = vizUrl;
    this.worker = null;
    this.local = null;       // the page-thread engine when workers are unavailable
    this.pending = new Map();
    this.next = 1;
    this.mode = null;        // "worker" | "page"
  }

  async start() {
    try {
      await this._startWorker();
      this.mode = "worker";
    } catch (e) {
      console.warn("tfsess graph view: no layout worker (" + e.message + "); laying out on the page");
      this.local = await import(this.vizUrl).then(m => m.instance());
      this.mode = "page";
    }
    return this;
  }

  _startWorker() {
    return new Promise((resolve, reject) => {
      let worker;
      try {
        const url = URL.createObjectURL(new Blob([WORKER_SOURCE(this.vizUrl)], {type: "text/javascript"}));
        worker = new Worker(url, {type: "module"});
      } catch (e) {
        reject(e);
        return;
      }
      const timer = setTimeout(() => { worker.terminate(); reject(new Error("worker did not start")); }, 20000);
      worker.onerror = (e) => { clearTimeout(timer); worker.terminate(); reject(new Error(e.message || "worker error")); };
      worker.onmessage = (event) => {
        if ("ready" in event.data) {
          clearTimeout(timer);
          if (!event.data.ready) { worker.terminate(); reject(new Error(event.data.error)); return; }
          this.worker = worker;
          worker.onmessage = (ev) => this._answer(ev.data);
          worker.onerror = (ev) => this._failAll(new Error(ev.message || "layout worker failed"));
          resolve();
        }
      };
    });
  }

  _answer(data) {
    const job = this.pending.get(data.id);
    if (!job) return;
    this.pending.delete(data.id);
    clearTimeout(job.timer);
    if (data.error !== undefined) job.reject(new Error(data.error));
    else job.resolve(data.svg);
  }

  _failAll(error) {
    for (const job of this.pending.values()) { clearTimeout(job.timer); job.reject(error); }
    this.pending.clear();
  }

  render(dot, options) {
    if (this.mode === "page") {
      return new Promise((resolve, reject) => {
        // let the "rendering" state paint first
        setTimeout(() => {
          try { resolve(this.local.renderString(dot, Object.assign({}, options, {format: "svg"}))); }
          catch (e) { reject(e); }
        }, 0);
      });
    }
    return new Promise((resolve, reject) => {
      const id = this.next++;
      const timer = setTimeout(() => {
        // a layout that does not finish: stop the worker (and every job on it), start a fresh one
        this.pending.delete(id);
        const old = this.worker;
        this.worker = null;
        old.terminate();
        this._failAll(new Error("layout stopped after " + LAYOUT_TIMEOUT_MS / 1000 + " s"));
        reject(new Error("layout took longer than " + LAYOUT_TIMEOUT_MS / 1000 + " s: collapse more of the graph"));
        this._restart = this._startWorker().catch(() => { this.mode = null; });
      }, LAYOUT_TIMEOUT_MS);
      this.pending.set(id, {resolve, reject, timer});
      const post = () => {
        if (!this.worker) { this._answer({id, error: "layout worker unavailable"}); return; }
        this.worker.postMessage({id, dot, options});
      };
      if (this.worker) post();
      else if (this._restart) this._restart.then(post);
      else post();
    });
  }
}

function engineCache() {
  return (globalThis[CACHE] = globalThis[CACHE] || {ready: new Map(), pending: new Map()});
}

function getEngine(model) {
  // the page's engine for this version; the first kernel answer (to any view's request) starts it
  const version = model.get("engine_version") || "?";
  const cache = engineCache();
  if (cache.ready.has(version)) return cache.ready.get(version);
  let p = cache.pending.get(version);
  if (!p) {
    p = {asked: new WeakSet(), lastAsk: -Infinity, settle: null};
    p.promise = new Promise((resolve) => { p.settle = resolve; });
    cache.pending.set(version, p);
  }
  const now = Date.now();
  if (!p.asked.has(model) && now - p.lastAsk > ASK_AGAIN_MS) {
    p.asked.add(model);
    p.lastAsk = now;
    requestEngineText(model).then((text) => {
      if (cache.pending.get(version) !== p) return;        // another answer came first
      cache.pending.delete(version);
      const url = URL.createObjectURL(new Blob([text], {type: "text/javascript"}));
      const engine = new Engine(url).start();
      cache.ready.set(version, engine);
      engine.catch(() => cache.ready.delete(version));
      p.settle(engine);
    }, (e) => console.warn("tfsess graph view: no Graphviz engine from the kernel:", e && e.message || e));
  }
  return p.promise;
}

function engineReady(model) {
  return engineCache().ready.has(model.get("engine_version") || "?");
}

// ----- small DOM helpers ------------------------------------------------------------------------------

function h(tag, attrs = {}, children = []) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

let viewCounter = 0;

// ----- the view -------------------------------------------------------------------------------------

function render({model, el, host}) {
  const uid = "tfsess-gv" + (++viewCounter) + "-";
  const state = {
    svg: null, width: 0, height: 0, minFont: 0,
    k: 1, x: 0, y: 0,                 // px per unit; view origin in graph units
    matches: [], matchIndex: -1,
    generation: 0, anchor: null, drawnKey: null,
    focused: false, waitingTimer: null, savedTimer: null, saved: false, destroyed: false,
  };

  // toolbar
  const btn = (label, title, onclick, cls = "") =>
    h("button", {type: "button", class: "tfsess-gv-btn " + cls, title, "aria-label": title, text: label, onclick});
  const zoomOut = btn("\u2212", "Zoom out (-)", () => zoomBy(1 / 1.25));
  const zoomIn = btn("+", "Zoom in (+); Ctrl+wheel zooms too", () => zoomBy(1.25));
  const fitBtn = btn("Fit", "Fit to width (0)", () => fit());
  const search = h("input", {type: "search", class: "tfsess-gv-search", placeholder: "search names",
                             "aria-label": "Search node names (Enter: next match)"});
  const count = h("span", {class: "tfsess-gv-count"});
  const newBtn = btn("New ops", "Zoom to the ops this cell added", () => jumpToNew(), "tfsess-gv-new-btn");
  const dirBtn = btn("", "Layout direction: top-down or left-right", () => toggleDirection(), "tfsess-gv-dir");
  const saveBtn = btn("SVG", "Download the picture as SVG", () => download());
  const statusEl = h("span", {class: "tfsess-gv-status", role: "status"});
  const toolbar = h("div", {class: "tfsess-gv-toolbar"},
                    [zoomOut, zoomIn, fitBtn, search, count, newBtn, dirBtn, saveBtn, statusEl]);

  const viewport = h("div", {class: "tfsess-gv-viewport", tabindex: "0",
                             "aria-label": "Graph drawing: drag to pan, Ctrl+wheel to zoom, click a box to open it"});
  const stage = h("div", {class: "tfsess-gv-stage"});
  const message = h("div", {class: "tfsess-gv-message"});
  const card = h("div", {class: "tfsess-gv-card", hidden: ""});
  viewport.append(stage, message, card);
  const root = h("div", {class: "tfsess-gv"}, [toolbar, viewport]);
  el.append(root);

  function save() {
    // a model restored from a saved notebook may have no kernel to sync with: that is not an error here
    try { model.save_changes(); } catch (e) { /* no comm */ }
  }

  function setStatus(s) {
    if (model.get("status") !== s) { model.set("status", s); save(); }
  }

  function showMessage(text, kind) {
    message.textContent = text || "";
    message.className = "tfsess-gv-message" + (kind ? " tfsess-gv-" + kind : "");
    message.hidden = !text;
  }

  function updateToolbar() {
    const n = model.get("highlight").length;
    newBtn.textContent = n ? "New ops (" + n + ")" : "New ops";
    newBtn.disabled = !n || !state.svg;
    dirBtn.textContent = model.get("rankdir") === "LR" ? "\u2192 LR" : "\u2193 TB";
    saveBtn.disabled = !state.svg;
  }

  // ----- view transform (viewBox) -----

  function viewSize() {
    return {w: Math.max(viewport.clientWidth, 50), h: Math.max(viewport.clientHeight, 50)};
  }

  function apply() {
    if (!state.svg) return;
    const {w, h: hh} = viewSize();
    state.svg.setAttribute("viewBox", [state.x, state.y, w / state.k, hh / state.k].join(" "));
    state.svg.setAttribute("width", w);
    state.svg.setAttribute("height", hh);
  }

  function readableK() {
    return state.minFont > 0 ? MIN_TEXT_PX / state.minFont : 0;
  }

  function fitK() {
    // the whole picture when it fits at readable text (width and the most height the view may take),
    // else the width, never below readable text and never above 100 %
    const {w} = viewSize();
    const kW = (w - 2 * PAD) / Math.max(state.width, 1);
    const kH = (model.get("height") - 2 * PAD) / Math.max(state.height, 1);
    const r = readableK();
    const k = kH >= r ? Math.min(kW, kH) : kW;
    return Math.max(Math.min(k, NATURAL), r);
  }

  function mainBox() {
    // the main graph without the auxiliary area: where a picture too large for the view opens
    if (!state.svg) return null;
    // Graphviz's SVG lists clusters and nodes side by side, so a node is auxiliary when it lies in that box
    const auxG = state.svg.querySelector("g.cluster[data-id='cluster_auxiliary']");
    const aux = auxG ? bboxIn(auxG) : null;
    const inside = (b) => aux && b.x + b.width / 2 >= aux.x && b.x + b.width / 2 <= aux.x + aux.width &&
      b.y + b.height / 2 >= aux.y && b.y + b.height / 2 <= aux.y + aux.height;
    const boxes = [...state.svg.querySelectorAll("g.node")].map(bboxIn).filter(b => b && !inside(b));
    return boxes.length ? unionBox(boxes) : null;
  }

  function sizeViewport(k) {
    // shrink the box to a short picture, up to `height` px
    const want = Math.ceil(state.height * k + 2 * PAD);
    viewport.style.height = Math.max(MIN_HEIGHT, Math.min(model.get("height"), want)) + "px";
  }

  function fit() {
    if (!state.svg) return;
    const k = fitK();
    sizeViewport(k);
    const {w} = viewSize();
    state.k = k;
    const drawnW = state.width * k;
    // centred when it fits; otherwise start at the left edge of the top (where a top-down graph begins)
    state.x = drawnW <= w - 2 * PAD ? -(w - drawnW) / 2 / k : -PAD / k;
    state.y = -PAD / k;
    const hl = highlightBox();
    const {h: hh} = viewSize();
    const wide = drawnW > w - 2 * PAD, tall = state.height * k > hh - 2 * PAD;
    if (wide && hl && hl.width < 0.8 * state.width) {
      // too wide even at readable text: show the cell's new ops, unless they are (nearly) the whole graph
      state.x = (hl.x + hl.width / 2) - w / 2 / k;
    } else if (wide || tall) {
      // else the top left of the main graph (the auxiliary area may sit beside or above it)
      const main = mainBox();
      if (main && wide) state.x = main.x - PAD / k;
      if (main && tall) state.y = main.y - PAD / k;
    }
    apply();
  }

  function zoomBy(f, cx, cy) {
    if (!state.svg) return;
    const {w, h: hh} = viewSize();
    if (cx === undefined) { cx = w / 2; cy = hh / 2; }
    const k = Math.min(Math.max(state.k * f, 0.02), 8);
    const gx = state.x + cx / state.k, gy = state.y + cy / state.k;
    state.k = k;
    state.x = gx - cx / k;
    state.y = gy - cy / k;
    apply();
  }

  function centreOn(box, minK) {
    const {w, h: hh} = viewSize();
    let k = state.k;
    if (minK && k < minK) k = minK;
    // fit the box if it is larger than the view, but never below readable text
    const kBox = Math.min((w - 2 * PAD) / Math.max(box.width, 1), (hh - 2 * PAD) / Math.max(box.height, 1));
    if (kBox < k) k = Math.max(kBox, readableK());
    state.k = k;
    state.x = box.x + box.width / 2 - w / 2 / k;
    state.y = box.y + box.height / 2 - hh / 2 / k;
    apply();
  }

  function bboxIn(el) {
    // element box in graph (viewBox) units
    try {
      const b = el.getBBox();
      const m = el.getCTM(), root = state.svg.getCTM();
      if (!m || !root) return b;
      const rel = root.inverse().multiply(m);
      const p1 = new DOMPoint(b.x, b.y).matrixTransform(rel);
      const p2 = new DOMPoint(b.x + b.width, b.y + b.height).matrixTransform(rel);
      return {x: Math.min(p1.x, p2.x), y: Math.min(p1.y, p2.y),
              width: Math.abs(p2.x - p1.x), height: Math.abs(p2.y - p1.y)};
    } catch (e) {
      return null;
    }
  }

  function unionBox(boxes) {
    boxes = boxes.filter(Boolean);
    if (!boxes.length) return null;
    const x0 = Math.min(...boxes.map(b => b.x)), y0 = Math.min(...boxes.map(b => b.y));
    const x1 = Math.max(...boxes.map(b => b.x + b.width)), y1 = Math.max(...boxes.map(b => b.y + b.height));
    return {x: x0, y: y0, width: x1 - x0, height: y1 - y0};
  }

  // ----- elements -----

  function elementsById() {
    const map = new Map();
    if (!state.svg) return map;
    for (const g of state.svg.querySelectorAll("g.node, g.cluster, g.edge")) {
      const id = g.getAttribute("data-id");
      if (id) map.set(id, g);
    }
    return map;
  }

  function scopeOfCluster(g) {
    const id = g.getAttribute("data-id") || "";
    if (id.startsWith("cluster_scope:")) return id.slice("cluster_scope:".length);
    const title = g.querySelector(":scope > title");
    const t = title ? title.textContent : "";
    return t.startsWith("cluster_scope:") ? t.slice("cluster_scope:".length) : null;
  }

  function highlightBox() {
    const ids = model.get("highlight");
    if (!ids.length || !state.svg) return null;
    const map = elementsById();
    return unionBox(ids.map(id => map.get(id)).filter(Boolean).map(bboxIn));
  }

  function markHighlight() {
    if (!state.svg) return;
    for (const g of state.svg.querySelectorAll(".tfsess-gv-hl")) g.classList.remove("tfsess-gv-hl");
    const map = elementsById();
    for (const id of model.get("highlight")) {
      const g = map.get(id);
      if (g) g.classList.add("tfsess-gv-hl");
    }
  }

  function jumpToNew() {
    const box = highlightBox();
    if (!box) return;
    centreOn(box, readableK());
    const map = elementsById();
    for (const id of model.get("highlight")) {
      const g = map.get(id);
      if (g) { g.classList.remove("tfsess-gv-flash"); void g.getBBox(); g.classList.add("tfsess-gv-flash"); }
    }
  }

  // ----- search -----

  function names(g) {
    const id = g.getAttribute("data-id") || "";
    const out = [id.replace(/^(op|scope|cluster_scope):/, "")];
    const title = g.querySelector(":scope > title");
    if (title) out.push(title.textContent);
    for (const t of g.querySelectorAll(":scope > text, :scope > a text, :scope > g > a text")) out.push(t.textContent);
    const info = model.get("node_info")[id];
    if (info && info.title) out.push(info.title);
    return out.join("\n").toLowerCase();
  }

  function runSearch() {
    const q = search.value.trim().toLowerCase();
    if (state.svg) for (const g of state.svg.querySelectorAll(".tfsess-gv-match, .tfsess-gv-current"))
      g.classList.remove("tfsess-gv-match", "tfsess-gv-current");
    state.matches = [];
    state.matchIndex = -1;
    if (q && state.svg) {
      state.matches = [...state.svg.querySelectorAll("g.node, g.cluster")].filter(g => names(g).includes(q));
      for (const g of state.matches) g.classList.add("tfsess-gv-match");
    }
    count.textContent = q ? (state.matches.length ? state.matches.length + " found" : "none") : "";
  }

  function nextMatch(step) {
    if (!state.matches.length) return;
    const cur = state.matches[state.matchIndex];
    if (cur) cur.classList.remove("tfsess-gv-current");
    state.matchIndex = (state.matchIndex + step + state.matches.length) % state.matches.length;
    const g = state.matches[state.matchIndex];
    g.classList.add("tfsess-gv-current");
    count.textContent = (state.matchIndex + 1) + "/" + state.matches.length;
    const box = bboxIn(g);
    if (box) centreOn(box, readableK());
  }

  search.addEventListener("input", runSearch);
  search.addEventListener("keydown", (e) => {
    if (e.key === "Enter") { e.preventDefault(); nextMatch(e.shiftKey ? -1 : 1); }
    else if (e.key === "Escape") { search.value = ""; runSearch(); }
    e.stopPropagation();     // keep Jupyter's command-mode shortcuts out of the search box
  });

  // ----- info card -----

  function showCard(id, g) {
    const info = model.get("node_info")[id];
    card.replaceChildren();
    const title = (info && info.title) || (g && g.querySelector(":scope > title")?.textContent) ||
      id.replace(/^(op|scope|cluster_scope):/, "");
    card.append(h("div", {class: "tfsess-gv-card-head"}, [
      h("span", {class: "tfsess-gv-card-title", text: title}),
      h("button", {type: "button", class: "tfsess-gv-btn tfsess-gv-card-close", title: "Close",
                   "aria-label": "Close", text: "\u00d7", onclick: () => { card.hidden = true; }})]));
    const rows = (info && info.rows) || [];
    if (rows.length) {
      const table = h("table");
      for (const row of rows) {
        table.append(h("tr", {}, [h("th", {text: String(row[0])}), h("td", {text: String(row[1] ?? "")})]));
      }
      card.append(table);
    }
    card.hidden = false;
  }

  // ----- expand / collapse -----

  function setExpanded(list, anchorG, anchorId) {
    if (anchorG) {
      const r = anchorG.getBoundingClientRect(), v = viewport.getBoundingClientRect();
      state.anchor = {id: anchorId, sx: r.left - v.left, sy: r.top - v.top};
    }
    model.set("expanded", list);
    save();
    clearTimeout(state.waitingTimer);
    statusEl.textContent = "asking the kernel\u2026";
    state.waitingTimer = setTimeout(() => { if (statusEl.textContent.startsWith("asking")) statusEl.textContent = ""; }, 15000);
  }

  function clickOn(target) {
    if (!state.svg || !state.svg.contains(target)) return;
    const node = target.closest("g.node");
    if (node) {
      const id = node.getAttribute("data-id") || "";
      showCard(id, node);
      if (id.startsWith("scope:")) {
        const scope = id.slice("scope:".length);
        const cur = model.get("expanded");
        if (!cur.includes(scope)) setExpanded([...cur, scope], node, "cluster_scope:" + scope);
      }
      return;
    }
    const cluster = target.closest("g.cluster");
    if (cluster) {
      const scope = scopeOfCluster(cluster);
      const id = cluster.getAttribute("data-id") || "";
      if (scope !== null && target.closest("text")) {
        const cur = model.get("expanded");
        if (cur.includes(scope)) setExpanded(cur.filter(s => s !== scope), cluster, "scope:" + scope);
        card.hidden = true;
      } else {
        showCard(id, cluster);
      }
    }
  }

  // ----- pointer: drag pans, a click without movement acts -----

  let drag = null;
  viewport.addEventListener("pointerdown", (e) => {
    if (e.button !== 0 || card.contains(e.target)) return;
    drag = {x: e.clientX, y: e.clientY, vx: state.x, vy: state.y, target: e.target, moved: false, id: e.pointerId};
  });
  viewport.addEventListener("pointermove", (e) => {
    if (!drag || drag.id !== e.pointerId) return;
    const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (!drag.moved && Math.hypot(dx, dy) > 4) {
      drag.moved = true;
      viewport.classList.add("tfsess-gv-dragging");
      try { viewport.setPointerCapture(e.pointerId); } catch (err) { /* pointer already gone */ }
    }
    if (drag.moved) {
      state.x = drag.vx - dx / state.k;
      state.y = drag.vy - dy / state.k;
      apply();
    }
  });
  const endDrag = (e) => {
    if (!drag || drag.id !== e.pointerId) return;
    const d = drag;
    drag = null;
    viewport.classList.remove("tfsess-gv-dragging");
    if (!d.moved && e.type === "pointerup") clickOn(d.target);
  };
  viewport.addEventListener("pointerup", endDrag);
  viewport.addEventListener("pointercancel", endDrag);

  viewport.addEventListener("focus", () => { state.focused = true; });
  viewport.addEventListener("blur", () => { state.focused = false; });
  viewport.addEventListener("wheel", (e) => {
    // Ctrl/Cmd+wheel (and pinch) always zooms; a plain wheel zooms once the drawing has focus (click it),
    // so scrolling the notebook past a graph does not get caught
    if (!state.svg || !(e.ctrlKey || e.metaKey || state.focused)) return;
    e.preventDefault();
    const v = viewport.getBoundingClientRect();
    const f = Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.0015));
    zoomBy(f, e.clientX - v.left, e.clientY - v.top);
  }, {passive: false});
  viewport.addEventListener("keydown", (e) => {
    if (!state.svg || e.target === search) return;
    const step = 60 / state.k;
    const keys = {"+": () => zoomBy(1.25), "=": () => zoomBy(1.25), "-": () => zoomBy(0.8), "0": () => fit(),
                  ArrowLeft: () => { state.x -= step; apply(); }, ArrowRight: () => { state.x += step; apply(); },
                  ArrowUp: () => { state.y -= step; apply(); }, ArrowDown: () => { state.y += step; apply(); }};
    if (keys[e.key]) { e.preventDefault(); e.stopPropagation(); keys[e.key](); }
  });

  function toggleDirection() {
    model.set("rankdir", model.get("rankdir") === "LR" ? "TB" : "LR");
    save();
  }

  function download() {
    const text = model.get("svg");
    if (!text) return;
    const a = h("a", {href: URL.createObjectURL(new Blob([text], {type: "image/svg+xml"})), download: "graph.svg"});
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  }

  // ----- drawing -----

  function install(svgText) {
    const doc = new DOMParser().parseFromString(svgText, "image/svg+xml");
    const svg = doc.documentElement;
    if (!svg || svg.nodeName !== "svg") throw new Error("Graphviz did not return an SVG");
    const vb = (svg.getAttribute("viewBox") || "").split(/[\s,]+/).map(Number);
    const width = vb.length === 4 ? vb[2] : parseFloat(svg.getAttribute("width")) || 100;
    const height = vb.length === 4 ? vb[3] : parseFloat(svg.getAttribute("height")) || 100;
    // ids unique in the page (several views may show the same names); the contract's id goes to data-id
    for (const e of svg.querySelectorAll("[id]")) {
      const id = e.getAttribute("id");
      e.setAttribute("data-id", id);
      e.setAttribute("id", uid + id);
    }
    for (const e of svg.querySelectorAll("g.node, g.cluster")) {
      // without an id in the DOT, Graphviz numbers the element (node3, clust2): then its name is the id
      const given = e.getAttribute("data-id");
      if (!given || /^(node|clust)\d+$/.test(given)) {
        const t = e.querySelector(":scope > title");
        if (t) e.setAttribute("data-id", t.textContent);
      }
      const id = e.getAttribute("data-id") || "";
      if (id.startsWith("scope:")) e.classList.add("tfsess-gv-box");
      if (id.startsWith("cluster_scope:")) e.classList.add("tfsess-gv-open");
    }
    for (const e of svg.querySelectorAll("[fill^='url(#'], [stroke^='url(#']")) {
      for (const attr of ["fill", "stroke"]) {
        const v = e.getAttribute(attr);
        if (v && v.startsWith("url(#")) e.setAttribute(attr, "url(#" + uid + v.slice(5));
      }
    }
    let minFont = Infinity;
    for (const t of svg.querySelectorAll("text")) {
      const f = parseFloat(t.getAttribute("font-size"));
      if (f > 0 && f < minFont) minFont = f;
    }
    svg.removeAttribute("width");
    svg.removeAttribute("height");
    svg.setAttribute("preserveAspectRatio", "xMinYMin meet");
    svg.classList.add("tfsess-gv-svg");
    const node = document.importNode(svg, true);
    stage.replaceChildren(node);
    Object.assign(state, {svg: node, width, height, minFont: minFont === Infinity ? 0 : minFont});
  }

  function placeAfterRedraw() {
    const a = state.anchor;
    state.anchor = null;
    if (a) {
      const g = elementsById().get(a.id);
      if (g) {
        // keep the box that was clicked where it was on screen
        const box = bboxIn(g);
        if (box) {
          state.x = box.x - a.sx / state.k;
          state.y = box.y - a.sy / state.k;
          apply();
          return;
        }
      }
    }
    fit();
  }

  function showSaved(generation) {
    // until the kernel sent the engine (it may be busy, or absent in a saved notebook): the last picture
    // the page or the kernel drew, from the `svg` trait
    const saved = model.get("svg");
    if (saved && !state.svg) {
      try {
        install(saved);
        state.saved = true;
        root.classList.add("tfsess-gv-saved");
        root.classList.remove("tfsess-gv-busy");      // a finished picture, not a drawing in progress
        statusEl.textContent = "saved picture";
        statusEl.title = "the last drawing; boxes open once the kernel sent the Graphviz engine";
        showMessage("");
        markHighlight();
        fit();
        updateToolbar();
      } catch (e) { /* not an SVG: keep waiting */ }
    }
    clearTimeout(state.savedTimer);
    state.savedTimer = setTimeout(() => {
      if (state.destroyed || generation !== state.generation || engineReady(model)) return;
      const note = "waiting for the kernel to send the Graphviz engine (run the cell to draw it here)";
      statusEl.textContent = state.svg ? "saved picture" : "";
      statusEl.title = note;
      if (!state.svg) showMessage(note, "note");
    }, ASK_AGAIN_MS);
  }

  async function draw() {
    const dot = model.get("dot");
    const rankdir = model.get("rankdir");
    const key = rankdir + "\n" + dot;
    if (key === state.drawnKey) return;
    const generation = ++state.generation;
    clearTimeout(state.waitingTimer);
    if (!dot.trim()) {
      stage.replaceChildren();
      state.svg = null;
      state.drawnKey = key;
      showMessage("(empty graph)", "note");
      statusEl.textContent = "";
      updateToolbar();
      return;
    }
    root.classList.add("tfsess-gv-busy");
    statusEl.textContent = "rendering\u2026";
    if (!state.svg) showMessage("rendering\u2026", "note");
    setStatus("rendering");
    let svgText;
    try {
      if (!engineReady(model)) showSaved(generation);
      const engine = await getEngine(model);
      if (state.destroyed || generation !== state.generation) return;
      clearTimeout(state.savedTimer);
      svgText = await engine.render(dot, {graphAttributes: {rankdir}});
      if (state.destroyed || generation !== state.generation) return;
      const keepView = state.anchor !== null && state.svg !== null;
      install(svgText);
      state.drawnKey = key;
      showMessage("");
      markHighlight();
      runSearch();
      if (keepView) placeAfterRedraw(); else fit();
      statusEl.textContent = "";
      statusEl.title = "";
      state.saved = false;
      root.classList.remove("tfsess-gv-saved");
      if (model.get("svg") !== svgText) model.set("svg", svgText);
      setStatus("ok");
    } catch (e) {
      if (state.destroyed || generation !== state.generation) return;
      const msg = String((e && e.message) || e);
      console.warn("tfsess graph view:", msg);
      state.drawnKey = null;
      state.anchor = null;
      showMessage("The graph could not be drawn: " + msg, "error");
      statusEl.textContent = "error";
      setStatus("error: " + msg);
    } finally {
      if (generation === state.generation) root.classList.remove("tfsess-gv-busy");
      updateToolbar();
    }
  }

  const redraw = () => { draw(); };
  const onHighlight = () => { markHighlight(); updateToolbar(); };
  const onHeight = () => { if (state.svg) fit(); };
  model.on("change:dot", redraw);
  const onRankdir = () => { updateToolbar(); draw(); };
  model.on("change:rankdir", onRankdir);
  model.on("change:highlight", onHighlight);
  model.on("change:height", onHeight);
  model.on("change:node_info", runSearch);

  // refit when the output area changes width (until the user zooms or pans, the view follows it)
  let lastWidth = 0;
  const resize = typeof ResizeObserver === "function" ? new ResizeObserver(() => {
    const w = viewport.clientWidth;
    if (state.svg && w && Math.abs(w - lastWidth) > 2) { lastWidth = w; fit(); }
  }) : null;
  if (resize) resize.observe(viewport);

  updateToolbar();
  showMessage("", null);
  // the element must be in the page for sizes; anywidget may call render before attaching el
  requestAnimationFrame(() => draw());

  return () => {
    state.destroyed = true;
    clearTimeout(state.waitingTimer);
    clearTimeout(state.savedTimer);
    if (resize) resize.disconnect();
    model.off("change:dot", redraw);
    model.off("change:highlight", onHighlight);
    model.off("change:height", onHeight);
    model.off("change:node_info", runSearch);
    model.off("change:rankdir", onRankdir);
  };
}

export default {render};

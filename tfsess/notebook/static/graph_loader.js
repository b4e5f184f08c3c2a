// tfsess GraphWidget loader: the anywidget _esm, stored with every view in a saved notebook, so it stays small.
// It shows the view's last picture (the `svg` trait) at once, asks the kernel once per page for the full
// front-end (graph_view.js and graph_view.css, gzipped, as buffers of a custom widget message) and hands the
// view to it. Without a kernel (a saved notebook) the picture stays; nothing is loaded from the network.

const FRONTEND_REQUEST = "tfsess:frontend?";   // page -> kernel
const FRONTEND_REPLY = "tfsess:frontend";      // kernel -> page, buffers [graph_view.js.gz, graph_view.css.gz]
const ASK_AGAIN_MS = 5000;                     // another view asks its own comm if no answer came by then
const KEY = Symbol.for("tfsess.graph_view.frontend");

async function gunzipText(data) {
  const bytes = data instanceof DataView ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    : data instanceof ArrayBuffer ? new Uint8Array(data) : data;
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Response(stream).text();
}

function ask(model) {
  return new Promise((resolve, reject) => {
    const onMsg = (msg, buffers) => {
      if (!msg || msg.type !== FRONTEND_REPLY) return;
      model.off("msg:custom", onMsg);
      if (!buffers || buffers.length < 2) { reject(new Error("the kernel sent no graph view module")); return; }
      Promise.all([gunzipText(buffers[0]), gunzipText(buffers[1])]).then(([js, css]) => resolve({js, css}), reject);
    };
    model.on("msg:custom", onMsg);
    try {
      model.send({type: FRONTEND_REQUEST, version: model.get("frontend_version")});
    } catch (e) {            // a view restored from a saved notebook may have no kernel
      model.off("msg:custom", onMsg);
      reject(e);
    }
  });
}

async function start(version, {js, css}) {
  if (!document.querySelector("style[data-tfsess-gv='" + version + "']")) {
    const style = document.createElement("style");
    style.setAttribute("data-tfsess-gv", version);
    style.textContent = css;
    document.head.append(style);
  }
  const url = URL.createObjectURL(new Blob([js], {type: "text/javascript"}));
  return (await import(url)).default;
}

function frontend(model) {
  // the page's front-end module for this version; the first kernel answer (to any view's request) loads it
  const version = model.get("frontend_version") || "?";
  const cache = (globalThis[KEY] = globalThis[KEY] || {ready: new Map(), pending: new Map()});
  if (cache.ready.has(version)) return cache.ready.get(version);
  let p = cache.pending.get(version);
  if (!p) {
    p = {asked: new WeakSet(), lastAsk: -Infinity};
    p.promise = new Promise((resolve) => { p.settle = resolve; });
    cache.pending.set(version, p);
  }
  const now = Date.now();
  if (!p.asked.has(model) && now - p.lastAsk > ASK_AGAIN_MS) {
    p.asked.add(model);
    p.lastAsk = now;
    ask(model).then((files) => {
      if (cache.pending.get(version) !== p) return;
      cache.pending.delete(version);
      const mod = start(version, files);
      cache.ready.set(version, mod);
      mod.catch(() => cache.ready.delete(version));
      p.settle(mod);
    }, (e) => console.warn("tfsess graph view: no front-end from the kernel:", (e && e.message) || e));
  }
  return p.promise;
}

function showSaved(model, el) {
  // the last picture, scaled to the output's width (a plain SVG: interaction needs the kernel)
  const box = document.createElement("div");
  box.className = "tfsess-gv-loader";
  box.style.cssText = "overflow:auto; max-height:" + (model.get("height") || 480) + "px; padding:6px;" +
    " border:1px solid var(--jp-border-color1, #bdbdbd); border-radius:3px;" +
    " color:var(--jp-ui-font-color2, #616161); font:13px var(--jp-ui-font-family, sans-serif)";
  const svg = model.get("svg");
  if (svg) {
    box.innerHTML = svg;
    const s = box.querySelector("svg");
    if (s) {
      // 1 px per Graphviz point: its smallest text (12 pt) at 12 px, as the interactive view's floor; a
      // wider picture scrolls
      const vb = (s.getAttribute("viewBox") || "").split(/[\s,]+/).map(Number);
      if (vb.length === 4 && vb[2] > 0) s.style.width = vb[2] + "px";
      s.removeAttribute("width");
      s.removeAttribute("height");
      s.style.height = "auto";
      s.style.display = "block";
      s.classList.add("tfsess-gv-svg");
      const dark = document.body.dataset.jpThemeLight === "false" || document.body.classList.contains("vscode-dark");
      if (dark) s.style.filter = "invert(0.9) hue-rotate(180deg)";     // as graph_view.css does
    }
    box.title = "saved picture: run the cell to open boxes, zoom and search";
  } else {
    box.textContent = "waiting for the kernel to send the graph view (run the cell to draw it)";
  }
  el.replaceChildren(box);
}

function render({model, el, host}) {
  // synchronous: the widget manager shows the view only once render returned
  let cleanup = null;
  let gone = false;
  showSaved(model, el);
  frontend(model).then((view) => {
    if (gone) return;
    el.replaceChildren();
    cleanup = view.render({model, el, host});
  }).catch((e) => console.warn("tfsess graph view:", (e && e.message) || e));
  return () => {
    gone = true;
    if (typeof cleanup === "function") cleanup();
  };
}

export default {render};

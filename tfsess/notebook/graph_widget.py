"""GraphWidget: the interactive graph picture, laid out and drawn by Graphviz (WebAssembly) in the browser page.

The kernel only sends DOT text and receives what the user did (expanded scopes, direction) and the SVG the page
drew; it never lays out or renders here, so a drawing never blocks the kernel. What a saved notebook stores per
view is small: the anywidget module is a loader (static/graph_loader.js, ~5 KB) that shows the `svg` trait (the
last picture, as the page or the kernel drew it) and asks the kernel, with custom widget messages answered with
binary buffers, once per page for the front-end (graph_view.js + .css) and for the Graphviz engine (the vendored
@viz-js/viz module, ~670 KB gzipped). Neither is widget state, so neither is saved into a notebook, and nothing
is loaded from the network.
"""
from __future__ import annotations

import gzip
import hashlib
import threading
from importlib import resources
from pathlib import Path

import anywidget
from traitlets import Dict, Int, List, TraitError, Unicode, validate

__all__ = ["GraphWidget", "VIZ_VERSION", "ENGINE_REQUEST", "ENGINE_REPLY", "FRONTEND_REQUEST", "FRONTEND_REPLY",
           "engine_gz", "frontend_gz", "frontend_version", "static_path"]

VIZ_VERSION = "3.31.0"        # @viz-js/viz, Graphviz 16.1.0 (see static/LICENSE-viz-js.txt)
RANKDIRS = ("TB", "LR")
ENGINE_REQUEST = "tfsess:engine?"   # page -> kernel: {"type": ENGINE_REQUEST, "version": ...}
ENGINE_REPLY = "tfsess:engine"      # kernel -> page: {"type": ENGINE_REPLY, "version": ...}, buffers=[gzip bytes]
FRONTEND_REQUEST = "tfsess:frontend?"   # page (the loader) -> kernel
FRONTEND_REPLY = "tfsess:frontend"      # kernel -> page: buffers=[graph_view.js gzipped, graph_view.css gzipped]


def static_path(name: str) -> Path:
    """The path of a file shipped in tfsess/notebook/static/ (the widget's ES module, CSS, Graphviz engine)."""
    return Path(str(resources.files("tfsess.notebook").joinpath("static", name)))


_engine_lock = threading.Lock()
_engine_gz: bytes | None = None


_frontend: tuple | None = None


def frontend_gz() -> tuple:
    """(graph_view.js, graph_view.css) gzipped, and a version key (a digest of both), made once per process."""
    global _frontend
    with _engine_lock:
        if _frontend is None:
            js, css = static_path("graph_view.js").read_bytes(), static_path("graph_view.css").read_bytes()
            key = hashlib.sha256(js + b"\0" + css).hexdigest()[:16]
            _frontend = (gzip.compress(js, mtime=0), gzip.compress(css, mtime=0), key)
        return _frontend


def frontend_version() -> str:
    """The key the page caches the front-end module under (changes whenever graph_view.js or .css does)."""
    return frontend_gz()[2]


def engine_gz() -> bytes:
    """The vendored Graphviz ES module, gzipped once per process (deterministic: mtime 0)."""
    global _engine_gz
    with _engine_lock:
        if _engine_gz is None:
            _engine_gz = gzip.compress(static_path("viz-standalone.mjs").read_bytes(), compresslevel=6, mtime=0)
        return _engine_gz


class GraphWidget(anywidget.AnyWidget):
    """A graph drawing that the page lays out: fit to width, zoom, pan, search, expandable name-scope boxes.

    Python sets `dot` (and `node_info`, `highlight`); the page draws it and reports back `svg` and `status`.
    Clicking a collapsed box adds its scope to `expanded`, clicking an open box's label removes it: observe
    `expanded` and send new `dot`. Nothing here blocks or waits for the page.
    """

    _esm = static_path("graph_loader.js")

    dot = Unicode("", help="py->js: DOT text to lay out and draw in the page. Collapsed name-scope boxes are "
                           "nodes with id=\"scope:<scope>\"; open scopes are clusters named "
                           "\"cluster_scope:<scope>\"; op nodes have id=\"op:<op name>\".").tag(sync=True)
    expanded = List(Unicode(), help="js<->py: names of the name-scope boxes the user opened (a click on a box "
                                    "adds it, a click on an open box's label removes it).").tag(sync=True)
    node_info = Dict(help="py->js: {element id: {'title': str, 'rows': [[key, value], ...]}}, shown as an "
                          "info card when that op node or box is clicked.").tag(sync=True)
    highlight = List(Unicode(), help="py->js: element ids to emphasise (the ops the cell added); the page's "
                                     "'new ops' button zooms to them.").tag(sync=True)
    rankdir = Unicode("TB", help="py<->js: layout direction, 'TB' (top-down) or 'LR' (left-right); the "
                                 "toolbar's direction button writes it. The page also applies it as the "
                                 "default graph rankdir, so a DOT without its own rankdir follows it without "
                                 "a round trip.").tag(sync=True)
    svg = Unicode("", help="js->py: the SVG text the page drew last (Graphviz's output, for saving).").tag(sync=True)
    height = Int(480, help="py->js: the most pixels of height the drawing area takes (it shrinks to a "
                           "shorter picture).").tag(sync=True)
    status = Unicode("", help="js->py: 'rendering', 'ok' or 'error: <message>' for the last drawing.").tag(sync=True)
    frontend_version = Unicode(help="py->js: the key of the front-end module the kernel serves (the loader asks "
                                    "for it with custom message %r when the page has none)." % FRONTEND_REQUEST
                               ).tag(sync=True)
    engine_version = Unicode(VIZ_VERSION, help="py->js: the @viz-js/viz version the kernel serves; the page keeps "
                                               "one engine per version and asks for it (custom message "
                                               "%r) only when it has none." % ENGINE_REQUEST).tag(sync=True)

    @validate("rankdir")
    def _check_rankdir(self, proposal):
        value = proposal["value"]
        if value not in RANKDIRS:
            raise TraitError("rankdir must be one of %s, got %r" % (", ".join(RANKDIRS), value))
        return value

    @validate("height")
    def _check_height(self, proposal):
        value = proposal["value"]
        if value < 100:
            raise TraitError("height must be at least 100 pixels, got %r" % (value,))
        return value

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("frontend_version", frontend_version())
        super().__init__(**kwargs)
        self.on_msg(self._on_page_message)

    def _on_page_message(self, _widget, content, _buffers) -> None:
        """Answer the page's requests: the front-end module and the Graphviz engine, gzipped, as binary buffers."""
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == FRONTEND_REQUEST:
            js, css, key = frontend_gz()
            self.send({"type": FRONTEND_REPLY, "version": key, "encoding": "gzip"}, buffers=[js, css])
        elif kind == ENGINE_REQUEST:
            self.send({"type": ENGINE_REPLY, "version": VIZ_VERSION, "encoding": "gzip"}, buffers=[engine_gz()])

    def expand(self, *scopes: str) -> None:
        """Open the boxes of these name scopes (as a click on each would)."""
        self.expanded = self.expanded + [s for s in dict.fromkeys(scopes) if s not in self.expanded]

    def collapse(self, *scopes: str) -> None:
        """Close the boxes of these name scopes."""
        drop = set(scopes)
        self.expanded = [s for s in self.expanded if s not in drop]

    def toggle(self, scope: str) -> None:
        """Open the box of `scope` if it is closed, close it if it is open."""
        if scope in self.expanded:
            self.collapse(scope)
        else:
            self.expand(scope)

    def save_svg(self, path: str | Path) -> Path:
        """Write the SVG the page drew last to `path`; ValueError if the page has not drawn this widget yet."""
        if not self.svg:
            raise ValueError("the page has not drawn this graph yet (the SVG comes from the browser)")
        target = Path(path)
        target.write_text(self.svg, encoding="utf-8")
        return target

    def __repr__(self) -> str:
        return "GraphWidget(%d chars of DOT, rankdir=%r, expanded=%r)" % (len(self.dot), self.rankdir,
                                                                          list(self.expanded))


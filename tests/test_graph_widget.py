"""GraphWidget's Python side without a browser: the traits of the contract with the DOT builder, the shared
Graphviz engine sent on request (never widget state), the shipped static files (also in a built wheel) and the ES module's hooks."""
from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("anywidget")

from traitlets import TraitError  # noqa: E402

from tfsess.notebook import graph_widget as gw  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
STATIC = ("graph_loader.js", "graph_view.js", "graph_view.css", "viz-standalone.mjs", "LICENSE-viz-js.txt")


def test_contract_traits_and_defaults():
    w = gw.GraphWidget()
    synced = set(w.keys)
    for name in ("dot", "expanded", "node_info", "highlight", "rankdir", "svg", "height", "status",
                 "engine_version", "frontend_version"):
        assert name in synced, name
        assert w.trait_metadata(name, "help"), "trait %s has no help text" % name
    assert (w.dot, w.expanded, w.node_info, w.highlight, w.rankdir, w.svg, w.height, w.status) == \
        ("", [], {}, [], "TB", "", 480, "")
    w.close()


def test_rankdir_and_height_are_checked():
    w = gw.GraphWidget()
    w.rankdir = "LR"
    with pytest.raises(TraitError, match="rankdir must be one of TB, LR"):
        w.rankdir = "BT"
    assert w.rankdir == "LR"
    with pytest.raises(TraitError, match="height must be at least 100"):
        w.height = 10
    assert w.height == 480
    w.close()


def test_expand_collapse_toggle_edit_the_expanded_list():
    w = gw.GraphWidget()
    seen = []
    w.observe(lambda change: seen.append(list(change["new"])), "expanded")
    w.expand("dense", "loss", "dense")
    w.toggle("loss")
    w.toggle("Adam")
    w.collapse("nothing")
    assert w.expanded == ["dense", "Adam"]
    assert seen == [["dense", "loss"], ["dense"], ["dense", "Adam"]]
    w.close()


def test_front_end_and_engine_are_sent_on_request_and_never_part_of_the_state():
    w = gw.GraphWidget(dot="digraph { a }")
    state = w.get_state()
    assert state["engine_version"] == gw.VIZ_VERSION and state["frontend_version"] == gw.frontend_version()
    assert state["_esm"] == gw.static_path("graph_loader.js").read_text()
    assert len(json.dumps(state, default=str)) < 8_000      # the loader and the DOT: no 30 KB module, no engine
    sent = []
    w.send = lambda content, buffers=None: sent.append((content, buffers))
    w._handle_custom_msg({"type": "something else"}, [])
    assert sent == []
    w._handle_custom_msg({"type": gw.FRONTEND_REQUEST, "version": "old"}, [])
    w._handle_custom_msg({"type": gw.ENGINE_REQUEST, "version": gw.VIZ_VERSION}, [])
    (front, front_buffers), (content, buffers) = sent
    assert front == {"type": gw.FRONTEND_REPLY, "version": gw.frontend_version(), "encoding": "gzip"}
    assert [gzip.decompress(b) for b in front_buffers] == [gw.static_path("graph_view.js").read_bytes(),
                                                           gw.static_path("graph_view.css").read_bytes()]
    assert content == {"type": gw.ENGINE_REPLY, "version": gw.VIZ_VERSION, "encoding": "gzip"}
    assert gzip.decompress(buffers[0]) == gw.static_path("viz-standalone.mjs").read_bytes()
    assert gw.engine_gz() is buffers[0]                            # gzipped once per process
    w.close()


def test_repr_is_stable_and_short():
    w = gw.GraphWidget(dot="digraph { a -> b }", expanded=["s"])
    assert repr(w) == "GraphWidget(18 chars of DOT, rankdir='TB', expanded=['s'])"
    w.close()


def test_save_svg(tmp_path):
    w = gw.GraphWidget(dot="digraph { a }")
    with pytest.raises(ValueError, match="has not drawn"):
        w.save_svg(tmp_path / "g.svg")
    w.svg = "<svg xmlns='http://www.w3.org/2000/svg'></svg>"      # what the page sends back
    assert w.save_svg(tmp_path / "g.svg").read_text() == w.svg
    w.close()


def test_static_files_are_in_the_package():
    for name in STATIC:
        assert gw.static_path(name).is_file(), name
    js = gw.static_path("graph_view.js").read_text()
    loader = gw.static_path("graph_loader.js").read_text()
    for src in (js, loader):
        assert re.search(r"export default \{\s*render\s*\}", src)
        assert "https://" not in src and "http://" not in src      # nothing loaded from the network
    assert '"%s"' % gw.FRONTEND_REQUEST in loader and '"%s"' % gw.FRONTEND_REPLY in loader
    assert '"svg"' in loader and '"frontend_version"' in loader
    for trait in ("dot", "expanded", "node_info", "highlight", "rankdir", "svg", "height", "status",
                  "engine_version"):
        assert '"%s"' % trait in js, trait
    assert '"%s"' % gw.ENGINE_REQUEST in js and '"%s"' % gw.ENGINE_REPLY in js
    viz = gw.static_path("viz-standalone.mjs").read_text(encoding="utf-8")
    assert "Viz.js %s" % gw.VIZ_VERSION in viz[:200] and "export { engines, formats, graphvizVersion, instance }" in viz
    assert "Graphviz" in gw.static_path("LICENSE-viz-js.txt").read_text()
    assert js.startswith("// tfsess GraphWidget front-end")
    assert str(gw.GraphWidget._esm).startswith("// tfsess GraphWidget loader")


def test_node_can_parse_the_module():
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    for name in ("graph_loader.js", "graph_view.js"):
        src = gw.static_path(name).read_text()
        r = subprocess.run([node, "--input-type=module", "--check"], input=src, capture_output=True, text=True)
        assert r.returncode == 0, (name, r.stderr)


@pytest.mark.network
@pytest.mark.skipif(bool(os.environ.get("TFSESS_OFFLINE")), reason="TFSESS_OFFLINE is set (pip fetches hatchling)")
def test_wheel_ships_the_static_files(tmp_path):
    """A non-editable wheel, built by pip with hatchling as `pip install .` does, carries the module, CSS, engine."""
    src = tmp_path / "src"
    # a copy of the working tree, so no build output lands in the repository
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(".git", ".venv", "__pycache__", "*.egg-info", "build",
                                                             "dist", ".pytest_cache", ".hypothesis", "notebooks",
                                                             "benchmarks", "binder"))
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "out"),
                        str(src)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    wheel = next((tmp_path / "out").glob("tfsess-*.whl"))
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        meta = z.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    for name in STATIC:
        assert "tfsess/notebook/static/" + name in names, name
    assert "tfsess/notebook/graph_widget.py" in names
    assert re.search(r"^Requires-Dist: anywidget", meta, re.M), meta


def test_a_view_keeps_the_kernel_picture_until_the_page_draws_its_own(monkeypatch):
    """A notebook saved before any page drew it (nbclient, nbval) still has a picture in its widget state."""
    import tfsess as tf
    from tfsess.notebook import render, widgets
    monkeypatch.setattr(render, "render_svg", lambda dot, timeout=None: "<svg>kernel</svg>")
    g = tf.Graph()
    with g.as_default():
        tf.constant(1.0, name="a")
    v = widgets.GraphView(g, widget_class=gw.GraphWidget)
    assert v.drawing.svg == ""
    data = v._repr_mimebundle_()
    assert data["image/svg+xml"] == "<svg>kernel</svg>" and v.drawing.svg == "<svg>kernel</svg>"
    v.drawing.svg, v.drawing.status = "<svg>page</svg>", "ok"          # what the page reports back
    assert v._repr_mimebundle_()["image/svg+xml"] == "<svg>page</svg>" and v.drawing.svg == "<svg>page</svg>"
    v.close()

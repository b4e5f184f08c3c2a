"""GraphView / EvalView built directly: traits, text/plain forms, collapsing, fallbacks; value formatting."""
import numpy as np
import pytest

import tfsess as tf
from tfsess.notebook import render, values, widgets
from tfsess.notebook.evaluation import ControlSpec, EvalResult, control_spec
from tfsess.notebook.widgets import EvalView, GraphView, StaticDrawing

VIEW_MIME = "application/vnd.jupyter.widget-view+json"


def test_value_text_ignores_global_print_options():
    with np.printoptions(precision=1, threshold=3, linewidth=20):
        assert values.value_text(np.float32(0.1)) == "0.1"
        assert values.value_text(np.arange(6, dtype=np.float32).reshape(2, 3) / 3) == (
            "[[0.     0.3333 0.6667]\n [1.     1.3333 1.6667]]")
    assert values.value_text(np.arange(200)).startswith("[  0   1   2 ... 197 198 199]")
    assert values.value_text(None) == "None"


def test_short_values_fit_on_a_node():
    assert values.short_value(np.float32(3.14159265)) == "3.142"
    assert values.short_value(np.int32(7)) == "7"
    assert values.short_value(np.ones((2, 2))) == "[[1. 1.] [1. 1.]]"
    assert values.short_value(np.arange(1000)) == "[ 0 ... 999]"
    assert len(values.short_value(np.array(["x" * 100]))) == 32


def test_value_html_scalars_large_matrices_as_heatmaps():
    scalar = values.value_html("loss", np.float32(0.5), "float32")
    assert "font-size:2em" in scalar and "float32, shape ()" in scalar
    table = values.value_html("W", np.array([[-1.0, 0.0], [2.0, 1.0]]), "float64")
    assert table.count("<td") == 4 and "rgba(31,111,209,0.38)" in table and "rgba(214,39,40,0.75)" in table
    big = values.value_html("big", np.zeros((100, 100)))
    assert big.count("<tr>") == 24 and "…" in big
    cube = values.value_html("cube", np.zeros((2, 2, 2)))
    assert "<pre>" in cube and "<table" not in cube
    assert "ran" in values.value_html("init", None, note="ran")


def _graph():
    with tf.name_scope("layer"):
        a = tf.constant(1.0, name="a")
        b = tf.multiply(a, 2.0, name="b")
    return a, b


def test_graph_view_traits_text_and_collapsing():
    a, b = _graph()
    view = GraphView(tf.get_default_graph(), new=["layer/b"], widget_class=StaticDrawing)
    assert view.redraws == 1 and view.shown == ("svg" if render.backend() else "text")
    bundle = view._repr_mimebundle_()
    assert VIEW_MIME in bundle and bundle["text/plain"] == view.text
    assert ("image/svg+xml" in bundle) == (render.backend() is not None)
    assert view.text.splitlines()[:2] == ["graph: 3 ops: 2 constants; 1 new (marked +)", "drawn: 2 nodes"]
    assert repr(view) == "GraphView(3 ops, 1 new)"
    assert view.expanded == ("layer",) and 'subgraph "cluster_scope:layer"' in view.dot
    view.collapse("layer", "not-a-scope")
    assert view.collapsed == ("layer",) and "cluster_scope" not in view.dot and "box3d" in view.dot
    assert view.redraws == 2 and view.drawing.dot == view.dot and "scope:layer" in view.drawing.node_info
    view.drawing.expanded = ["layer"]                  # what a click in the page does
    assert 'subgraph "cluster_scope:layer"' in view.dot and view.redraws == 3
    view.drawing.rankdir = "LR"
    assert view.direction == "LR" and "rankdir=LR" in view.dot


def test_graph_view_keeps_its_snapshot_and_freezes():
    _graph()
    view = GraphView(tf.get_default_graph(), widget_class=StaticDrawing)
    dot = view.dot
    tf.constant(5.0, name="c")
    assert view.dot == dot and len(view.snap) == 3
    from tfsess.notebook.snapshot import snapshot
    view.refresh_live(snapshot(tf.get_default_graph()))
    assert view.redraws == 1                           # not live: a later snapshot changes nothing
    view.live = True
    view.refresh_live(snapshot(tf.get_default_graph()))
    assert view.new == ("c",) and view.redraws == 2
    drawing = view.drawing
    view.freeze()
    assert view.frozen and view.drawing is None and drawing.comm is None and view.children == (view.header,)
    view.redraw()
    assert view.redraws == 2


def test_graph_view_falls_back_to_text(monkeypatch):
    _graph()
    monkeypatch.setattr(render, "render_svg", lambda dot, timeout=None: None)
    view = GraphView(tf.get_default_graph(), widget_class=StaticDrawing)
    assert view.shown == "text" and "layer/b" in view.drawing.value
    assert "image/svg+xml" not in view._repr_mimebundle_()
    monkeypatch.setattr(render, "render_svg", lambda dot, timeout=None: 1 / 0)
    view.collapse("layer")
    assert view.shown == "text" and "could not draw the graph: ZeroDivisionError" in view.header.value


def test_graph_view_saves_svg_and_dot(tmp_path):
    _graph()
    view = GraphView(tf.get_default_graph(), draw=False)
    assert view.save(tmp_path / "g.dot").read_text() == view.dot
    if render.backend() is not None:
        assert view.save(tmp_path / "g.svg").read_text().startswith("<svg")
    with pytest.raises(ValueError, match="writes .svg, .png or .dot"):
        view.save(tmp_path / "g.pdf")


def test_eval_view_refresh_errors_go_to_status_and_detach_disables_controls():
    _graph()
    calls = []

    def runner(ctrl):
        calls.append(ctrl)
        if ctrl["p"] < 0:
            raise tf.errors.InvalidArgumentError(None, None, "negative p\nmore detail")
        return EvalResult(values=[np.float32(ctrl["p"] * 2)], dtypes=["float32"], ran=["layer/a"],
                          feeds={"p": ctrl["p"]})

    spec = ControlSpec("p", "float", 1.0)
    view = EvalView(["y"], runner({"p": 1.0}), runner, controls=[spec], subgraph=tf.get_default_graph(),
                    widget_class=StaticDrawing)
    assert view.values == {"y": 2.0} and view.refreshes == 1
    assert view._repr_mimebundle_()["text/plain"] == "y = 2.0    # float32, shape ()\nfeeds: p=1.0\nran 1 op: layer/a"
    assert repr(view) == "EvalView(y)"
    view.controls["p"].value = 3.0
    assert view.values == {"y": 6.0} and view.refreshes == 2
    view.controls["p"].value = -1.0
    assert view.values == {"y": 6.0} and view.status == "InvalidArgumentError: negative p"
    assert view.text.endswith("InvalidArgumentError: negative p")
    view.detach()
    view.controls["p"].value = 4.0
    assert view.values == {"y": 6.0} and view.controls["p"].disabled and not view.refresh()
    assert len(calls) == 3


@pytest.mark.parametrize("dtype,shape,kind,value", [
    (tf.float32, [], "float", 0.0), (tf.int64, [], "int", 0), (tf.bool, [], "bool", False),
    (tf.float32, [None, 2], "text", "[[0.0, 0.0]]"), (tf.int32, [3], "text", "[0, 0, 0]"),
    (tf.float32, None, "text", "0.0")])
def test_controls_match_placeholder_dtype_and_shape(dtype, shape, kind, value):
    spec = control_spec(tf.placeholder(dtype, shape, name="p"))
    assert (spec.kind, spec.value) == (kind, value)
    w = widgets.make_control(spec)
    assert w.description == "p"
    assert widgets.control_value(w, spec) == (eval(value) if kind == "text" else value)


def test_graph_view_exports_a_graphviz_source():
    a = tf.constant(1.0, name="a")
    a * 2.0
    view = GraphView(tf.get_default_graph(), draw=False)
    src = view.to_graphviz()
    import graphviz
    assert isinstance(src, graphviz.Source)
    assert src.source == view.dot and "digraph" in src.source and "Const" in src.source

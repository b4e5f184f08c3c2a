"""GraphView / EvalView built directly: traits, text/plain forms, collapsing, fallbacks; value formatting."""
import numpy as np
import pytest

import tfsess as tf
from tfsess.notebook import render, widgets
from tfsess.notebook.widgets import ControlSpec, EvalResult, EvalView, GraphView

VIEW_MIME = "application/vnd.jupyter.widget-view+json"


def test_value_text_ignores_global_print_options():
    with np.printoptions(precision=1, threshold=3, linewidth=20):
        assert widgets.value_text(np.float32(0.1)) == "0.1"
        assert widgets.value_text(np.arange(6, dtype=np.float32).reshape(2, 3) / 3) == (
            "[[0.     0.3333 0.6667]\n [1.     1.3333 1.6667]]")
    assert widgets.value_text(np.arange(200)).startswith("[  0   1   2 ... 197 198 199]")
    assert widgets.value_text(None) == "None"


def test_short_values_fit_on_a_node():
    assert widgets.short_value(np.float32(3.14159265)) == "3.142"
    assert widgets.short_value(np.int32(7)) == "7"
    assert widgets.short_value(np.ones((2, 2))) == "[[1. 1.] [1. 1.]]"
    assert widgets.short_value(np.arange(1000)) == "[ 0 ... 999]"
    assert len(widgets.short_value(np.array(["x" * 100]))) == 32


def test_value_html_scalars_large_matrices_as_heatmaps():
    scalar = widgets.value_html("loss", np.float32(0.5), "float32")
    assert "font-size:2em" in scalar and "float32, shape ()" in scalar
    table = widgets.value_html("W", np.array([[-1.0, 0.0], [2.0, 1.0]]), "float64")
    assert table.count("<td") == 4 and "rgba(31,111,209,0.38)" in table and "rgba(214,39,40,0.75)" in table
    big = widgets.value_html("big", np.zeros((100, 100)))
    assert big.count("<tr>") == 24 and "…" in big
    cube = widgets.value_html("cube", np.zeros((2, 2, 2)))
    assert "<pre>" in cube and "<table" not in cube
    assert "ran" in widgets.value_html("init", None, note="ran")


def _graph():
    with tf.name_scope("layer"):
        a = tf.constant(1.0, name="a")
        b = tf.multiply(a, 2.0, name="b")
    return a, b


def test_graph_view_traits_text_and_collapsing():
    a, b = _graph()
    view = GraphView(tf.get_default_graph(), new=["layer/b"])
    assert view.redraws == 1 and view.shown == ("svg" if render.backend() else "text")
    bundle = view._repr_mimebundle_()
    assert VIEW_MIME in bundle and bundle["text/plain"] == view.text
    assert view.text.splitlines()[0] == "graph: 3 ops: 2 constants; 1 new (marked +)"
    assert repr(view) == "GraphView(3 ops, 1 new)"
    assert view.scope_select.options == ("layer", "layer/b") and view.scopes in view.children
    assert "subgraph cluster_0" in view.dot
    view.collapse("layer", "not-a-scope")
    assert view.collapsed == ("layer",) and "subgraph cluster_0" not in view.dot and "box3d" in view.dot
    assert view.redraws == 2
    view.expand("layer")
    assert "subgraph cluster_0" in view.dot and view.redraws == 3


def test_graph_view_live_refresh_and_detach():
    _graph()
    view = GraphView(tf.get_default_graph())
    view.refresh_live()
    assert view.redraws == 1                           # nothing new: no redraw
    tf.constant(5.0, name="c")
    view.refresh_live()
    assert view.new == ("c",) and view.redraws == 2
    view.detach()
    tf.constant(6.0, name="d")
    view.refresh_live()
    view.redraw()
    assert view.redraws == 2 and view.scope_select.disabled


def test_graph_view_falls_back_to_text(monkeypatch):
    _graph()
    monkeypatch.setattr(render, "render_svg", lambda dot: None)
    view = GraphView(tf.get_default_graph())
    assert view.shown == "text" and "layer/b" in view.body.value and "no Graphviz renderer" in view.body.value
    monkeypatch.setattr(render, "render_svg", lambda dot: 1 / 0)
    view.redraw()
    assert view.shown == "text" and "could not draw the graph: ZeroDivisionError" in view.body.value


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
    view = EvalView(["y"], runner({"p": 1.0}), runner, controls=[spec], graph=tf.get_default_graph())
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
    from tfsess.notebook.magics import _control_spec
    spec = _control_spec(tf.placeholder(dtype, shape, name="p"))
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

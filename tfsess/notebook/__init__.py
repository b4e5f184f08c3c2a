"""The IPython/Jupyter layer of tfsess: `%load_ext tfsess` opens an InteractiveSession and adds %%graph and %eval.

Modules: extension (load/unload, session, live views), magics (the two magics), lines (parsing %eval lines),
evaluation (running %eval fetches), errors (short messages with hints), snapshot (immutable op records),
declutter (TensorBoard's view rules), dot (DOT, info cards, text), render (time-limited kernel rendering),
widgets (GraphView, EvalView), values (values as text/HTML). IPython and ipywidgets load only with the
extension, so the pure parts (snapshot, declutter, dot) import without them.
"""
from __future__ import annotations

__all__ = ["load_ipython_extension", "unload_ipython_extension"]


def load_ipython_extension(ipython) -> None:
    """Create the InteractiveSession, push `tf`/`sess`, register magics, formatter and live-update hooks."""
    if getattr(ipython, "_tfsess", None) is not None:
        return
    from .extension import Extension
    ext = Extension(ipython)
    try:
        ext.start()
    except BaseException:
        ext.close()
        raise
    ipython._tfsess = ext
    print(ext.status_line())


def unload_ipython_extension(ipython) -> None:
    """Close the session and remove the magics, formatter, hooks and names the load added."""
    ext = getattr(ipython, "_tfsess", None)
    if ext is None:
        return
    try:
        ext.close()
    finally:
        ipython._tfsess = None

"""%eval --code EXPR: the run of EXPR as the standalone NumPy program `tfsess.export_numpy` would write.

The source is `tfsess.client.numpy_export.numpy_program` (one line per op, in the session's execution
order); the view shows it highlighted. With --feed NAME=VALUE, NAME becomes a parameter of `run()` and the
view also runs the program itself (from a temporary directory, as an importer would: tfsess is not
involved, the session is not touched) on VALUE and appends what it returned, as comments.
"""
from __future__ import annotations

import html
import importlib.util
import itertools
import os
import tempfile
from typing import Any, Sequence

import ipywidgets as W
import numpy as np

from .values import value_text

__all__ = ["CodeView", "program_for", "run_program"]

MODULE = "model"
_COUNTER = itertools.count(1)


def program_for(session, leaves: Sequence, fed: Sequence) -> tuple:
    """(source, arrays) of the program computing `leaves` from the tensors `fed` (their order = run()'s)."""
    from ..client.numpy_export import numpy_program

    fetches = leaves[0] if len(leaves) == 1 else list(leaves)
    return numpy_program(fetches, list(fed), session=session, module_name=MODULE)


def run_program(source: str, arrays: dict, args: Sequence) -> Any:
    """Import the program from a temporary directory (with its .npz) and return `run(*args)`."""
    with tempfile.TemporaryDirectory(prefix="tfsess_code_") as tmp:
        path = os.path.join(tmp, MODULE + ".py")
        with open(path, "w", encoding="utf-8") as f:
            f.write(source)
        with open(os.path.join(tmp, MODULE + ".npz"), "wb") as f:
            np.savez(f, **arrays)
        spec = importlib.util.spec_from_file_location("_tfsess_code_view_%d" % next(_COUNTER), path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        try:
            return module.run(*args)
        finally:
            data = getattr(module, "_DATA", None)
            if data is not None:
                data.close()


def _comment(text: str) -> str:
    return "\n".join("# " + line if line else "#" for line in text.splitlines())


def _highlight(source: str) -> str:
    try:
        from pygments import highlight
        from pygments.formatters import HtmlFormatter
        from pygments.lexers import PythonLexer
    except ImportError:   # pragma: no cover - IPython depends on pygments
        return "<pre>%s</pre>" % html.escape(source)
    return highlight(source, PythonLexer(), HtmlFormatter(noclasses=True, style="default"))


class CodeView(W.VBox):
    """The program as highlighted code; `source` is the module text, `text` adds the checked run, if any."""

    def __init__(self, labels: Sequence[str], source: str, arrays: dict, *, feeds: Sequence = ()):
        self.labels = list(labels)
        self.source = source
        self.arrays = dict(arrays)
        self.feeds = list(feeds)          # [(parameter label, value)] in run()'s order
        self.result = None
        self.error = ""
        self.ran = False
        if self.feeds or "def run(variables=VARIABLES)" in source:
            try:
                self.result = run_program(source, self.arrays, [v for _n, v in self.feeds])
                self.ran = True
            except Exception as exc:      # the program is shown anyway; say why it did not run
                self.error = "%s: %s" % (type(exc).__name__, str(exc).splitlines()[0] if str(exc) else "")
        self.text = self._text()
        head = W.HTML('<div style="color:#555">the run of %s as a NumPy program (what tfsess.export_numpy '
                      'writes; variable values go to %s.npz beside it)</div>'
                      % (html.escape(", ".join(self.labels)), MODULE))
        body = W.HTML('<div style="max-height:560px; overflow:auto; font-size:13px">%s</div>'
                      % _highlight(self.text))
        super().__init__(children=[head, body])

    def save(self, path) -> str:
        """Write the program at `path` (.py) and its arrays beside it, as `tfsess.export_numpy` does."""
        path = os.fspath(path)
        stem = os.path.splitext(os.path.basename(path))[0]
        if not path.endswith(".py") or not stem.isidentifier():
            raise ValueError("save() writes a Python module: a path such as 'model.py', got %r" % (path,))
        source = self.source.replace(repr(MODULE + ".npz"), repr(stem + ".npz"))
        with open(os.path.join(os.path.dirname(path), stem + ".npz"), "wb") as f:
            np.savez(f, **self.arrays)
        with open(path, "w", encoding="utf-8") as f:
            f.write(source)
        return path

    def _text(self) -> str:
        if not self.ran and not self.error:
            return self.source
        call = "run(%s)" % ", ".join(" ".join(value_text(v).split()) for _n, v in self.feeds)
        if self.error:
            return self.source + "\n" + _comment(">>> %s\nfailed: %s" % (call, self.error)) + "\n"
        out = self.result
        shown = ("[%s]" % ", ".join(_value(v) for v in out)) if isinstance(out, list) else _value(out)
        return self.source + "\n" + _comment(">>> %s\n%s" % (call, shown)) + "\n"

    def __repr__(self) -> str:
        return "CodeView(%s)" % ", ".join(self.labels)

    def _repr_mimebundle_(self, **kwargs):
        data = super()._repr_mimebundle_(**kwargs) or {}
        data["text/plain"] = self.text
        return data


def _value(v: Any) -> str:
    return "None" if v is None else value_text(v)

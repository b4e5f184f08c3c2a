"""Fetched values as deterministic text (for text/plain and node labels) and as HTML (scalars large, heatmaps)."""
from __future__ import annotations

import html
from typing import Any, Optional

import numpy as np

__all__ = ["value_text", "short_value", "value_html", "describe", "indent_value"]

_PRINT = dict(precision=4, threshold=100, edgeitems=3, linewidth=72, suppress=True, floatmode="maxprec",
              sign="-", nanstr="nan", infstr="inf", legacy=False)
_SHORT = dict(precision=3, threshold=6, edgeitems=1, linewidth=10_000, suppress=True, floatmode="maxprec",
              sign="-", nanstr="nan", infstr="inf", legacy=False)
_MAX_TABLE = 24          # rows/columns drawn in a heatmap table before eliding


# ----- values as text and HTML -------------------------------------------------------------------

def value_text(v: Any) -> str:
    """A fetched value as NumPy prints it, with fixed print options (deterministic across settings)."""
    if v is None:
        return "None"
    a = np.asarray(v)
    if a.ndim == 0:
        return str(a[()])
    with np.printoptions(**_PRINT):
        return np.array2string(a)


def short_value(v: Any, limit: int = 32) -> str:
    """A value in at most `limit` characters, for node labels."""
    a = np.asarray(v)
    if a.ndim == 0:
        x = a[()]
        s = ("%.4g" % x) if a.dtype.kind == "f" else str(x)
    else:
        with np.printoptions(**_SHORT):
            s = " ".join(np.array2string(a).split())
    return s if len(s) <= limit else s[:limit - 1] + "…"


def describe(v: Any, dtype: Optional[str]) -> str:
    a = np.asarray(v)
    shape = "()" if a.ndim == 0 else str(tuple(a.shape))
    return "%s, shape %s" % (dtype or _dtype_name(a), shape)


def _dtype_name(a: np.ndarray) -> str:
    return "string" if a.dtype.kind in "OSU" else a.dtype.name


def _cell_color(x: float, lo: float, hi: float) -> str:
    """Heatmap background: diverging red/blue around 0 when values have both signs, else sequential blue."""
    if not np.isfinite(x):
        return "#dddddd"
    if lo < 0 < hi:
        m = max(-lo, hi)
        t = x / m if m else 0.0
        return "rgba(214,39,40,%.2f)" % (0.75 * t) if t >= 0 else "rgba(31,111,209,%.2f)" % (-0.75 * t)
    t = (x - lo) / (hi - lo) if hi > lo else 0.5
    return "rgba(31,111,209,%.2f)" % (0.1 + 0.6 * t)


def _table_html(a: np.ndarray) -> str:
    """A 1-D or 2-D array as an HTML table, numeric cells coloured as a heatmap, large ones elided."""
    m = a.reshape(1, -1) if a.ndim == 1 else a
    rows = list(range(m.shape[0]))
    cols = list(range(m.shape[1]))
    if len(rows) > _MAX_TABLE:
        rows = rows[:_MAX_TABLE - 2] + [None] + rows[-1:]
    if len(cols) > _MAX_TABLE:
        cols = cols[:_MAX_TABLE - 2] + [None] + cols[-1:]
    numeric = m.dtype.kind in "iufb" and m.size > 0
    if numeric:
        f = m.astype(float)
        finite = f[np.isfinite(f)]
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 0.0)
    out = ['<table style="border-collapse:collapse; font-family:monospace; font-size:12px">']
    for r in rows:
        out.append("<tr>")
        for c in cols:
            if r is None or c is None:
                out.append('<td style="padding:2px 6px; color:#888">…</td>')
                continue
            x = m[r, c]
            bg = _cell_color(float(x), lo, hi) if numeric else "transparent"
            out.append('<td style="padding:2px 6px; text-align:right; border:1px solid #e3e3e3; background:%s">%s</td>'
                       % (bg, html.escape(short_value(x, 12))))
        out.append("</tr>")
    out.append("</table>")
    return "".join(out)


def value_html(label: str, v: Any, dtype: Optional[str] = None, note: str = "") -> str:
    """One value as HTML: scalars large, vectors/matrices as heatmap tables, higher ranks as text."""
    head = '<div style="margin:4px 0"><b style="font-family:monospace">%s</b> <span style="color:#777">%s</span>' % (
        html.escape(label), html.escape(note or ("" if v is None else describe(v, dtype))))
    if v is None:
        return head + "</div>"
    a = np.asarray(v)
    if a.ndim == 0:
        body = '<div style="font-size:2em; font-weight:600; font-family:monospace">%s</div>' % html.escape(
            value_text(a))
    elif a.ndim <= 2 and a.dtype.kind in "iufbOSU":
        body = _table_html(a)
    else:
        body = "<pre>%s</pre>" % html.escape(value_text(a))
    return head + body + "</div>"


def indent_value(label: str, text: str) -> str:
    pad = " " * (len(label) + 3)
    return label + " = " + text.replace("\n", "\n" + pad)

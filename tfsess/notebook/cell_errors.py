"""How a failed %%graph cell ends: it fails as the same code in a plain cell would (Run All stops there),
showing a plain cell's output instead of a traceback through IPython and tfsess."""
from __future__ import annotations

import linecache
from typing import Optional

__all__ = ["uncaught_error", "raise_cell_error"]


def uncaught_error(result) -> Optional[BaseException]:
    """The error of a nested run_cell that IPython handled itself (KeyboardInterrupt, SystemExit, any
    BaseException; already displayed by it), or None if the cell body succeeded."""
    if result is None:
        return None
    return result.error_before_exec or result.error_in_exec


def raise_cell_error(shell, error: BaseException, magic_line: str = "%%graph"):
    """Raise `error` out of the cell magic so that the cell fails with it as its error.

    A SyntaxError shows as in a plain cell, its line numbered in the whole cell (`magic_line` first); an error that is not a SyntaxError and has no short rendering was already
    shown by the nested run and is not shown twice. IPython's SystemExit branch still prints its one line.
    """
    if isinstance(error, SyntaxError):
        _count_magic_line(error, magic_line)
        lines = shell.SyntaxTB.structured_traceback(type(error), error, [])
    elif hasattr(error, "_render_traceback_"):
        raise error                       # a shortened tfsess error: IPython shows its few lines
    else:
        lines = None                      # the nested run_cell displayed it already
    old_exc, old_tb = shell.custom_exceptions, shell.CustomTB

    def once(sh, etype, value, tb, tb_offset=None):
        shell.custom_exceptions, shell.CustomTB = old_exc, old_tb   # one use, whatever arrives
        if value is not error:            # the magic was called from code that caught `error` itself
            if old_exc and isinstance(value, old_exc):
                return old_tb(etype, value, tb, tb_offset)
            return sh.showtraceback((etype, value, tb), tb_offset=tb_offset)
        if lines:
            sh._showtraceback(etype, value, lines)
        return None

    shell.set_custom_exc((type(error),), once)
    raise error


def _count_magic_line(error: SyntaxError, magic_line: str) -> None:
    """Number the error's line in the whole cell: the body was compiled without the `%%graph` line.

    The body's source in linecache (what IPython shows the line from) gets that line in front; the body
    never ran (it did not compile), so no other traceback reads that entry."""
    if not isinstance(error.lineno, int):
        return
    entry = linecache.cache.get(error.filename)
    if entry is not None and len(entry) == 4 and isinstance(entry[2], list):
        size, mtime, lines, name = entry
        linecache.cache[error.filename] = (size, mtime, [magic_line.rstrip() + "\n"] + lines, name)
    error.lineno += 1
    if isinstance(getattr(error, "end_lineno", None), int):
        error.end_lineno += 1

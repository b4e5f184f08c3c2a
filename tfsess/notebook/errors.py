"""Short error messages with hints for learners, and how a failing %%graph cell's error is shown."""
from __future__ import annotations

import contextlib
import re
from typing import Iterator, Optional

from IPython.core.error import UsageError

from ..framework import errors as tf_errors

__all__ = ["short_error", "shorten", "magic_errors", "tfsess_error_lines"]

_FEED_MISSING = re.compile(r"You must feed a value for placeholder tensor '([^']+)'")
_UNINIT = re.compile(r"uninitialized value (\S+)")


def _hint(exc: BaseException, msg: str) -> Optional[str]:
    m = _FEED_MISSING.search(msg)
    if m:
        name = m.group(1)
        return ("placeholder '%s' needs a value in every run: add --feed %s=VALUE to %%eval (or --interact "
                "for a control), or pass feed_dict={<the placeholder>: VALUE} to sess.run" % (name, name))
    if _UNINIT.search(msg):
        return ("variables have no value until their initializer runs: "
                "sess.run(tf.global_variables_initializer()) (or %eval tf.global_variables_initializer())")
    if "is not an element of this graph" in msg or "graph is different" in msg:
        return ("this tensor was built in another graph than the session's (after tf.reset_default_graph() "
                "or inside tf.Graph().as_default()): build it again, or start over with %%graph --new")
    if "closed Session" in msg:
        return "the session was closed; %%graph --new starts a new graph and session"
    if "Dimensions must be equal" in msg or "Shapes must be equal rank" in msg or "must have rank" in msg:
        return "check the static shapes with t.shape ('?' is a size known only at run time)"
    if isinstance(exc, NameError):
        return "%eval takes Python expressions and also op/tensor names such as 'add' or 'add:0'"
    if "Cannot feed value of shape" in msg:
        return "the fed value's shape must match the placeholder's static shape"
    return None


def short_error(exc: BaseException) -> list:
    """A few lines for an error: class, first line of the message, the failing op and a hint."""
    msg = exc.message if isinstance(exc, tf_errors.OpError) else str(exc)
    first = msg.strip().splitlines()[0] if msg.strip() else ""
    lines = ["%s: %s" % (type(exc).__name__, first)]
    op = getattr(exc, "op", None) if isinstance(exc, tf_errors.OpError) else None
    if op is not None:
        lines.append("  in op '%s' (%s)" % (op.name, op.type))
    hint = _hint(exc, msg)
    if hint:
        lines.append("Hint: " + hint)
    return lines


def shorten(exc: BaseException, lines: Optional[list] = None) -> BaseException:
    """Make IPython show `exc` as a few lines instead of a traceback (class and message are kept)."""
    stb = list(lines) if lines is not None else short_error(exc)
    try:
        exc._render_traceback_ = lambda: stb
    except Exception:  # an exception type without __dict__: shown with its normal traceback
        pass
    return exc


def _from_tfsess(tb) -> bool:
    """Whether the innermost frame of a traceback is inside tfsess (so the error is a graph/session error)."""
    pkg = __name__.rsplit(".", 2)[0] + "."
    last = None
    while tb is not None:
        last = tb
        tb = tb.tb_next
    if last is None:
        return False
    mod = last.tb_frame.f_globals.get("__name__", "")
    return mod.startswith(pkg) and not mod.startswith(pkg + "notebook")


def tfsess_error_lines(shell, etype, value, tb) -> list:
    """How an error raised by a %%graph cell is shown: short for tfsess errors, IPython's traceback else."""
    if isinstance(value, (tf_errors.OpError,)) or (isinstance(value, (ValueError, TypeError, RuntimeError))
                                                    and _from_tfsess(tb)):
        return short_error(value)
    return shell.InteractiveTB.structured_traceback(etype, value, tb)



@contextlib.contextmanager
def magic_errors() -> Iterator[None]:
    """A magic's own failures as the learner should see them: a UsageError as it is, a SyntaxError in an
    expression as a UsageError naming it, anything else shortened with a hint (`shorten`)."""
    try:
        yield
    except UsageError:
        raise
    except SyntaxError as exc:
        raise UsageError("invalid expression %r: %s" % (exc.text.strip() if exc.text else "", exc.msg)) from None
    except Exception as exc:
        raise shorten(exc) from None

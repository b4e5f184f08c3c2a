"""The contract between op kernels and the session that runs them.

Kernels of stateful ops receive the session in `OpDef.bind(op, session)` and keep variable values in
`session.variable_store` (a dict: variable op -> read-only array) through `write_variable`, which logs
the old value so a failed run can `rollback`. `DEAD` is the value of an untaken tf.cond branch.
"""
from __future__ import annotations

from .errors import FailedPreconditionError

__all__ = ["DEAD", "write_variable", "rollback", "uninitialized_error"]


class _Dead:
    """The value of an untaken tf.cond branch."""

    __slots__ = ()

    def __repr__(self):
        return "<dead>"


DEAD = _Dead()
_MISSING = object()   # undo-log marker: the variable had no value before this run


def uninitialized_error(var_op, reader=None) -> FailedPreconditionError:
    """TF's error for reading a variable no initializer has run for (`reader`: the op that read it)."""
    return FailedPreconditionError(None, reader, "Attempting to use uninitialized value %s" % var_op.name)


def write_variable(store: dict, undo: dict, var_op, value) -> None:
    """Store a new value for `var_op`, remembering the old one so a failed run can roll back."""
    if var_op not in undo:
        undo[var_op] = store.get(var_op, _MISSING)
    value.setflags(write=False)   # one call: reading .flags and setting it costs three times as much
    store[var_op] = value


def rollback(store: dict, undo: dict) -> None:
    """Restore every variable a failed run wrote to its value before the run."""
    for var_op, old in undo.items():
        if old is _MISSING:
            store.pop(var_op, None)
        else:
            store[var_op] = old

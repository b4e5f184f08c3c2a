"""Atomic writes for checkpoint files: a fresh temporary file in the target's directory, then os.replace.

The temporary name is chosen by `tempfile` (O_EXCL, unpredictable), so it cannot be pre-planted, and a
reader never sees a half-written file. A fixed name that is a symbolic link is refused, never written through.
"""
from __future__ import annotations

import os
import tempfile
from typing import Callable

from ..framework.errors import NotFoundError, PermissionDeniedError

__all__ = ["write_atomically"]


def write_atomically(path: str, write: Callable, binary: bool = True) -> None:
    """Call write(file) on a new temporary file next to `path`, then rename it to `path`."""
    if os.path.islink(path):
        raise PermissionDeniedError(None, None, "Refusing to write %s: it is a symbolic link (%s)"
                                    % (path, os.readlink(path)))
    directory = os.path.dirname(path) or "."
    try:
        fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=directory)
    except FileNotFoundError as err:
        raise NotFoundError(None, None, "Failed to create a NewWriteableFile: %s : %s" % (path, err.strerror)) \
            from None
    except OSError as err:
        raise PermissionDeniedError(None, None, "Failed to create a NewWriteableFile: %s : %s"
                                    % (path, err.strerror)) from None
    try:
        os.fchmod(fd, 0o644)    # mkstemp's 0600 would make checkpoints unreadable to the user's group
        with os.fdopen(fd, "wb" if binary else "w") as f:
            write(f)
        os.replace(tmp, path)   # replaces a link planted since the check, never follows it
    except BaseException:
        try:
            os.remove(tmp)
        except OSError:
            pass
        raise

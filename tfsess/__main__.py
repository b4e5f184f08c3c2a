"""`python -m tfsess SCRIPT.py [args]`: run a TF1 script as written, with `import tensorflow` giving tfsess.

The script runs as `__main__` with `sys.argv == [SCRIPT.py, args...]` and its directory first on sys.path, as
`python SCRIPT.py` would; its exceptions print the usual traceback (without this runner's frames) and exit 1.
"""
from __future__ import annotations

import os
import runpy
import sys
import traceback

USAGE = """usage: python -m tfsess SCRIPT.py [args ...]

Runs SCRIPT.py with `import tensorflow` (and tensorflow.compat.v1, tensorflow.python.framework.ops, ...)
giving tfsess, the NumPy implementation of the TensorFlow 1.x graph-and-session API."""


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(USAGE, file=sys.stdout if argv else sys.stderr)
        return 0 if argv else 2
    script = argv[0]
    if not os.path.exists(script):
        print("python -m tfsess: can't open file %r: [Errno 2] No such file or directory" % os.path.abspath(script),
              file=sys.stderr)
        return 2
    from .compat.aliases import install_as_tensorflow
    try:
        install_as_tensorflow()
    except ImportError as e:
        print("python -m tfsess: %s" % e, file=sys.stderr)
        return 2
    sys.argv = argv
    sys.path[0] = os.path.dirname(os.path.abspath(script))
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit:
        raise
    except BaseException as e:
        _print_script_traceback(e, os.path.abspath(script))
        return 130 if isinstance(e, KeyboardInterrupt) else 1
    return 0


def _print_script_traceback(exc: BaseException, script: str) -> None:
    """The traceback Python prints for the script itself: drop the runner's (runpy's and this module's) frames."""
    tb = exc.__traceback__
    skip = (os.path.abspath(__file__), os.path.abspath(runpy.__file__))
    while tb is not None and (os.path.abspath(tb.tb_frame.f_code.co_filename) in skip
                              or tb.tb_frame.f_code.co_filename == "<frozen runpy>"):
        tb = tb.tb_next
    traceback.print_exception(type(exc), exc, tb if tb is not None else exc.__traceback__)
    sys.stderr.flush()


if __name__ == "__main__":
    sys.exit(main())

"""tf.app: `tf.app.run(main)` parses the flags from sys.argv and exits with what `main(argv)` returns."""
from __future__ import annotations

import sys
from typing import Callable, Optional

from . import flags

__all__ = ["run", "flags"]

_HELP = ("--help", "-help", "-h", "--helpshort", "--helpfull", "-?")


def run(main: Optional[Callable] = None, argv: Optional[list] = None):
    """Parse known flags (TF 1.x tolerates unknown ones and passes them on), then `sys.exit(main(argv))`.

    `main` defaults to the `main` function of the `__main__` module, as in TensorFlow.
    """
    if main is None:
        main = sys.modules["__main__"].main
    args = list(sys.argv if argv is None else argv)
    if any(a in _HELP for a in args[1:]):
        sys.stdout.write(flags.FLAGS.help_text(args[0] if args else ""))
        sys.stdout.write("\nTry --helpfull to get a list of all flags.\n")
        sys.exit(0)
    rest = flags.FLAGS(args, known_only=True)
    sys.exit(main(rest))

"""tf.logging: TF1's logging functions on Python's `logging` ("tensorflow" logger, `INFO:tensorflow:...` on stderr)."""
from __future__ import annotations

import logging as _logging
import sys as _sys

__all__ = ["DEBUG", "INFO", "WARN", "ERROR", "FATAL", "set_verbosity", "get_verbosity", "debug", "info", "warn",
           "warning", "error", "fatal", "log", "vlog", "log_every_n", "log_first_n", "get_logger"]

DEBUG, INFO, WARN, ERROR, FATAL = _logging.DEBUG, _logging.INFO, _logging.WARN, _logging.ERROR, _logging.FATAL
_logger = None


def get_logger() -> _logging.Logger:
    """The "tensorflow" logger, with TF's `LEVEL:tensorflow:message` handler on stderr added once."""
    global _logger
    if _logger is None:
        logger = _logging.getLogger("tensorflow")
        if not logger.handlers:
            handler = _logging.StreamHandler(_sys.stderr)
            handler.setFormatter(_logging.Formatter(_logging.BASIC_FORMAT, None))
            logger.addHandler(handler)
            logger.propagate = False
        if logger.level == _logging.NOTSET:
            logger.setLevel(WARN)
        _logger = logger
    return _logger


def set_verbosity(v: int) -> None:
    get_logger().setLevel(v)


def get_verbosity() -> int:
    return get_logger().getEffectiveLevel()


def log(level: int, msg, *args, **kwargs) -> None:
    get_logger().log(level, msg, *args, **kwargs)


def debug(msg, *args, **kwargs) -> None:
    get_logger().debug(msg, *args, **kwargs)


def info(msg, *args, **kwargs) -> None:
    get_logger().info(msg, *args, **kwargs)


def warning(msg, *args, **kwargs) -> None:
    get_logger().warning(msg, *args, **kwargs)


warn = warning


def error(msg, *args, **kwargs) -> None:
    get_logger().error(msg, *args, **kwargs)


def fatal(msg, *args, **kwargs) -> None:
    get_logger().fatal(msg, *args, **kwargs)


def vlog(level: int, msg, *args, **kwargs) -> None:
    get_logger().log(level, msg, *args, **kwargs)


_counts: dict = {}


def log_every_n(level: int, msg, n: int, *args) -> None:
    """Log on the 1st, (n+1)th, (2n+1)th ... call from the same place."""
    key = _sys._getframe(1).f_code, _sys._getframe(1).f_lineno
    count = _counts.get(key, 0)
    _counts[key] = count + 1
    if count % n == 0:
        log(level, msg, *args)


def log_first_n(level: int, msg, n: int, *args) -> None:
    key = _sys._getframe(1).f_code, _sys._getframe(1).f_lineno
    count = _counts.get(key, 0)
    _counts[key] = count + 1
    if count < n:
        log(level, msg, *args)

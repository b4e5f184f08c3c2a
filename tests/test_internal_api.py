"""The layers above tfsess/framework/ use its documented internal API (tfsess/framework/__init__.py), never the
private fields of Graph, Operation, Tensor, TensorShape or DType: an AST check of every module outside framework/.

An access `x._field` counts when `x` is not self/cls and the module does not own a field of that name itself
(assigns `self._field` or lists it in __slots__), so a module's own private state stays its own business.
"""
import ast
import pathlib

import tfsess
from tfsess.framework import dtypes, graph, shapes

PACKAGE = pathlib.Path(tfsess.__file__).parent


def _framework_private_fields() -> set:
    fields = set(graph.Tensor.__slots__) | set(graph.Operation.__slots__) | set(shapes.TensorShape.__slots__)
    fields |= set(dtypes.DType.__slots__) | set(vars(graph.Graph()))
    return {f for f in fields if f.startswith("_") and not f.startswith("__")}


def _owned(tree: ast.AST) -> set:
    owned = set()
    for n in ast.walk(tree):
        if isinstance(n, ast.Attribute) and isinstance(n.ctx, (ast.Store, ast.Del)) \
                and isinstance(n.value, ast.Name) and n.value.id in ("self", "cls"):
            owned.add(n.attr)
        elif isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__slots__" for t in n.targets):
            owned |= {c.value for c in ast.walk(n.value) if isinstance(c, ast.Constant) and isinstance(c.value, str)}
        elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)):
            owned.add(n.name)
    return owned


def _violations(path: pathlib.Path, fields: set) -> list:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    owned = _owned(tree)
    called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}   # x._ref() is a method, not a field
    found = []
    for n in ast.walk(tree):
        if isinstance(n, ast.Attribute) and n.attr in fields and id(n) not in called and n.attr not in owned \
                and not (isinstance(n.value, ast.Name) and n.value.id in ("self", "cls")):
            found.append("%s:%d .%s" % (path, n.lineno, n.attr))
    return found


def test_the_field_list_is_the_frameworks():
    fields = _framework_private_fields()
    assert {"_inputs", "_outputs", "_attrs", "_op", "_dims", "_np", "_cond_ctx", "_name_stack"} <= fields


def test_no_module_above_the_framework_reads_or_writes_its_private_fields():
    fields = _framework_private_fields()
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "framework" not in path.relative_to(PACKAGE).parts:
            found += _violations(path, fields)
    assert not found, "private framework fields used outside tfsess/framework/ (use the internal API):\n" + \
        "\n".join(found)


def test_the_check_sees_an_access_and_leaves_own_fields_alone(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("class Box:\n    def __init__(self):\n        self._attrs = {}\n\n"
                     "def f(op, t, box):\n    return op._inputs, t._shape._dims, box._attrs, op.inputs\n")
    found = _violations(probe, _framework_private_fields())
    assert [f.rsplit(" ", 1)[1] for f in found] == [".\x5finputs", ".\x5fshape", ".\x5fdims"] or \
        sorted(f.rsplit(" ", 1)[1] for f in found) == sorted([".\x5finputs", ".\x5fshape", ".\x5fdims"])

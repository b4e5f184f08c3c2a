"""binder/ installs and runs: a clean virtualenv gets `pip install -r binder/requirements.txt` (run from the repository
root, as repo2docker does) plus binder/postBuild if there is one, imports tfsess, and executes notebook 1 with nbclient,
both with Graphviz's `dot` on PATH (binder/apt.txt) and without it (the WebAssembly renderer).

Needs PyPI: set TFSESS_OFFLINE=1 to skip it (or deselect with `-m "not network"`). pip's cache is reused.
The virtualenv uses the Python named in binder/runtime.txt when this machine has it, else this Python.
"""
from __future__ import annotations

import glob
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BINDER = ROOT / "binder"
NB1 = ROOT / "notebooks" / "01_session_vs_interactive_session.ipynb"
DEFINED_AT = re.compile(r"\(defined at [^)]*\)")

pytestmark = pytest.mark.network

if os.environ.get("TFSESS_OFFLINE"):
    pytest.skip("binder check skipped: TFSESS_OFFLINE is set and it installs binder/requirements.txt from PyPI",
                allow_module_level=True)


def _runtime_python() -> tuple:
    """(interpreter, note): the Python of binder/runtime.txt if this machine has it, else this one."""
    want = (BINDER / "runtime.txt").read_text().strip()
    m = re.fullmatch(r"python-(\d+)\.(\d+)", want)
    assert m, "binder/runtime.txt must pin a Python minor version like python-3.12, not %r" % want
    version = "%s.%s" % m.groups()
    candidates = [shutil.which("python" + version), "/usr/bin/python" + version, "/usr/local/bin/python" + version]
    candidates += sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/%s.*/bin/python%s" % (version, version))))
    for exe in candidates:
        if not exe or not os.path.exists(exe):
            continue
        try:
            out = subprocess.run([exe, "-c", "import sys, venv; print('%d.%d' % sys.version_info[:2])"],
                                 capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.SubprocessError):
            continue
        if out.returncode == 0 and out.stdout.strip() == version:
            return exe, "Python %s as in binder/runtime.txt" % version
    return sys.executable, ("Python %s from binder/runtime.txt is not on this machine; used %d.%d"
                            % (version, *sys.version_info[:2]))


def _run(cmd, **kw):
    proc = subprocess.run(cmd, capture_output=True, text=True, **kw)
    assert proc.returncode == 0, "%s failed (%d):\n%s\n%s" % (cmd, proc.returncode, proc.stdout[-6000:],
                                                               proc.stderr[-6000:])
    return proc


RUN_NOTEBOOK = textwrap.dedent("""
    import json, sys
    import nbformat
    from nbclient import NotebookClient
    src, out, cwd = sys.argv[1:4]
    nb = nbformat.read(src, as_version=4)
    NotebookClient(nb, kernel_name="python3", timeout=300, allow_errors=False, store_widget_state=True,
                   resources={"metadata": {"path": cwd}}).execute()
    nbformat.write(nb, out)
""")


def _texts(nb: dict) -> list:
    """Per code cell: the compared text of its outputs (streams, text/plain, error name and value)."""
    cells = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        parts = []
        for o in cell.get("outputs", []):
            if o["output_type"] == "stream":
                text = "".join(o["text"])
                if parts and parts[-1][0] == o["name"]:   # a kernel may split one print into several messages
                    parts[-1] = (o["name"], parts[-1][1] + text)
                else:
                    parts.append((o["name"], text))
            elif o["output_type"] == "error":
                parts.append(("error", o["ename"], DEFINED_AT.sub("", o["evalue"])))
            else:
                parts.append(("data", "".join(o["data"].get("text/plain", ""))))
        cells.append(parts)
    return cells


def _svgs(nb: dict) -> list:
    """The SVG pictures in the executed outputs: each graph view's bundle carries the kernel-rendered picture
    (Graphviz's `dot`, or the WebAssembly worker without it) that viewers without widgets show."""
    return ["".join(o["data"]["image/svg+xml"]) for cell in nb["cells"] for o in cell.get("outputs", [])
            if "<svg" in "".join(o.get("data", {}).get("image/svg+xml", ""))]


@pytest.fixture(scope="module")
def binder_env(tmp_path_factory):
    """A virtualenv with exactly binder/'s requirements installed (and binder/postBuild run)."""
    tmp = tmp_path_factory.mktemp("binder")
    python, note = _runtime_python()
    print("binder check:", note)
    venv = tmp / "venv"
    _run([python, "-m", "venv", str(venv)], timeout=300)
    bindir = venv / "bin"
    vpy = str(bindir / "python")
    env = dict(os.environ, PATH=str(bindir) + os.pathsep + os.environ.get("PATH", ""), VIRTUAL_ENV=str(venv),
               JUPYTER_CONFIG_DIR=str(tmp / "jupyter-config"), JUPYTER_DATA_DIR=str(tmp / "jupyter-data"),
               JUPYTER_RUNTIME_DIR=str(tmp / "jupyter-runtime"), IPYTHONDIR=str(tmp / "ipython"),
               PIP_DISABLE_PIP_VERSION_CHECK="1")
    for name in ("PYTHONPATH", "PYTHONHOME", "JUPYTER_PATH"):
        env.pop(name, None)
    # As repo2docker does: from the repository root, so that "." in the file is the repository.
    _run([vpy, "-m", "pip", "install", "-r", "binder/requirements.txt"], cwd=str(ROOT), env=env, timeout=1500)
    post = BINDER / "postBuild"
    if post.exists():
        _run(["bash", str(post)], cwd=str(ROOT), env=env, timeout=900)
    return {"python": vpy, "env": env, "tmp": tmp, "bin": bindir}


def test_binder_installs_tfsess_itself(binder_env):
    out = _run([binder_env["python"], "-c", "import tfsess, sys; print(tfsess.__file__); print(sys.prefix)"],
               cwd=str(binder_env["tmp"]), env=binder_env["env"], timeout=120).stdout.split()
    assert out[0].startswith(out[1]), "tfsess was not installed into the binder venv: %s" % out
    freeze = _run([binder_env["python"], "-m", "pip", "freeze"], env=binder_env["env"], timeout=120).stdout
    pins = {}
    for line in (BINDER / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, version = line.split("==")
            pins[re.sub(r"\[.*\]", "", name).lower().replace("_", "-")] = version
    installed = {}
    for line in freeze.splitlines():
        if "==" in line:
            name, version = line.split("==", 1)
            installed[name.lower().replace("_", "-")] = version
    wrong = {n: (v, installed.get(n)) for n, v in pins.items() if installed.get(n) != v}
    assert not wrong, "pinned versions not installed (pin, installed): %s" % wrong


@pytest.mark.parametrize("with_dot", [True, False], ids=["with-dot", "without-dot"])
def test_binder_runs_notebook_1(binder_env, with_dot):
    env = dict(binder_env["env"])
    if not with_dot:
        # No apt packages: only the venv on PATH, so `dot` is not found and the WebAssembly renderer draws.
        env["PATH"] = str(binder_env["bin"])
        probe = _run([binder_env["python"], "-c",
                      "from tfsess.notebook import render; print(render.backend()); "
                      "print('<svg' in (render.render_svg('digraph { a -> b }') or ''))"],
                     env=env, cwd=str(binder_env["tmp"]), timeout=300).stdout.split()
        assert probe == ["wasm", "True"], probe
    elif shutil.which("dot") is None:
        pytest.skip("Graphviz's dot is not installed here (binder/apt.txt installs it on Binder)")
    out = binder_env["tmp"] / ("nb1-%s.ipynb" % ("dot" if with_dot else "wasm"))
    _run([binder_env["python"], "-c", RUN_NOTEBOOK, str(NB1), str(out), str(NB1.parent)],
         env=env, cwd=str(binder_env["tmp"]), timeout=900)
    executed = json.loads(out.read_text())
    saved = json.loads(NB1.read_text())
    assert _texts(executed) == _texts(saved), "notebook 1's outputs in the binder environment differ from the saved ones"
    svgs = _svgs(executed)
    assert svgs, "no graph was drawn (no image/svg+xml in the outputs)"
    assert any(">add<" in s and ">Const<" in s for s in svgs)

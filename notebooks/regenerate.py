"""Re-run the teaching notebooks in fresh kernels and save their outputs (what nbval compares against).

    python notebooks/regenerate.py                 # every notebooks/*.ipynb
    python notebooks/regenerate.py notebooks/03_placeholders_and_feeds.ipynb

Each notebook is cleared, executed top to bottom by nbclient in a new kernel of this Python (cwd = notebooks/),
with the widget state stored in the notebook metadata (so the drawings and sliders render when the notebook
is reopened) and without per-cell timing metadata (so a re-run changes only what really changed). Cells
tagged `raises-exception` may fail; any other error stops the script. Run it after editing a notebook, then
check with `python -m pytest notebooks/`.
"""
from __future__ import annotations

import argparse
import pathlib
import sys
import time

import nbformat
from nbclient import NotebookClient

NOTEBOOKS = pathlib.Path(__file__).resolve().parent
ROOT = NOTEBOOKS.parent
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def _kernel_options() -> dict:
    """A kernel of this very Python (as `pytest --nbval --nbval-current-env` uses), whatever kernelspecs exist."""
    try:
        from jupyter_client import AsyncKernelManager
        from nbval.kernel import CURRENT_ENV_KERNEL_NAME, NbvalKernelspecManager
    except ImportError:          # without nbval: the default python3 kernelspec
        return {"kernel_name": "python3"}

    class CurrentEnvKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            kwargs.setdefault("kernel_spec_manager", NbvalKernelspecManager())
            super().__init__(**kwargs)

    return {"kernel_name": CURRENT_ENV_KERNEL_NAME, "kernel_manager_class": CurrentEnvKernelManager}


def regenerate(path: pathlib.Path, timeout: int = 300) -> float:
    nb = nbformat.read(str(path), as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            cell.metadata.pop("execution", None)
    nb.metadata.pop("widgets", None)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    start = time.perf_counter()
    client = NotebookClient(nb, **_kernel_options(), timeout=timeout, allow_errors=False,
                            record_timing=False, store_widget_state=True,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    seconds = time.perf_counter() - start
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3",
                                    "codemirror_mode": {"name": "ipython", "version": 3},
                                    "file_extension": ".py", "mimetype": "text/x-python",
                                    "nbconvert_exporter": "python"}
    nbformat.validate(nb)
    nbformat.write(nb, str(path))
    return seconds


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=pathlib.Path, help="notebooks (default: notebooks/*.ipynb)")
    args = parser.parse_args(argv)
    paths = args.paths or sorted(NOTEBOOKS.glob("*.ipynb"))
    for path in paths:
        seconds = regenerate(path.resolve())
        print("%-55s %5.1f s" % (path.name, seconds))
    return 0


if __name__ == "__main__":
    sys.exit(main())

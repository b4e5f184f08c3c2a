"""The TF1 program corpus (tests/tf1_programs/programs/) runs through `python -m tfsess` as written and prints
exactly what real TensorFlow printed (the .expected files, written by tests/tf1_programs/regenerate.py under
TensorFlow 2.x in TF1 mode), with the same exit code."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "tf1_programs"))
from corpus import expected_text, program_args, programs  # noqa: E402
from tiny_mnist import write_tiny_mnist  # noqa: E402

sys.path.pop(0)
ROOT = HERE.parent
PROGRAMS = programs()


def test_the_corpus_is_there():
    assert len(PROGRAMS) >= 15
    missing = [p for p in PROGRAMS if not os.path.exists(p[:-3] + ".expected")]
    assert missing == []


@pytest.mark.parametrize("path", PROGRAMS, ids=[os.path.basename(p)[:-3] for p in PROGRAMS])
def test_program_prints_what_tensorflow_printed(path, tmp_path):
    write_tiny_mnist(str(tmp_path / "MNIST_data"))
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run([sys.executable, "-m", "tfsess", path] + program_args(path), cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    with open(path[:-3] + ".expected") as f:
        expected = f.read()
    assert expected_text(proc.stdout, proc.returncode) == expected, proc.stderr[-3000:]

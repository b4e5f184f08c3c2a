"""Rewrite programs/*.expected from real TensorFlow: /work/tfvenv/bin/python tests/tf1_programs/regenerate.py [NAME...]

Each program runs in a fresh scratch directory holding the tiny MNIST files, with the arguments from its
`# args:` line; the expected file is its stdout followed by `--- exit code: N`.
"""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from corpus import expected_text, program_args, programs  # noqa: E402
from tiny_mnist import write_tiny_mnist  # noqa: E402


def main(names):
    for path in programs():
        name = os.path.basename(path)[:-3]
        if names and name not in names:
            continue
        with tempfile.TemporaryDirectory() as scratch:
            write_tiny_mnist(os.path.join(scratch, "MNIST_data"))
            proc = subprocess.run([sys.executable, os.path.join(HERE, "reference_run.py"), path]
                                  + program_args(path), cwd=scratch, capture_output=True, text=True, timeout=600)
        with open(path[:-3] + ".expected", "w") as f:
            f.write(expected_text(proc.stdout, proc.returncode))
        print("%-32s exit %d, %d lines%s" % (name, proc.returncode, proc.stdout.count("\n"),
                                             "" if proc.returncode == 0 else "\n" + proc.stderr[-800:]))


if __name__ == "__main__":
    main(sys.argv[1:])

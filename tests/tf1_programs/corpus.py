"""The TF1 program corpus: where the programs are, their `# args:` line, and the expected-output format."""
import os
import shlex

PROGRAMS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "programs")


def programs() -> list:
    return sorted(os.path.join(PROGRAMS, n) for n in os.listdir(PROGRAMS) if n.endswith(".py"))


def program_args(path: str) -> list:
    """The command-line arguments from a `# args: ...` line near the top of the program, if any."""
    with open(path) as f:
        for line in f.read().splitlines()[:10]:
            if line.startswith("# args:"):
                return shlex.split(line[len("# args:"):])
    return []


def expected_text(stdout: str, returncode: int) -> str:
    return stdout + "--- exit code: %d\n" % returncode

"""Running a cell in the IPython test shell for the notebook tests (the `ip`/`loaded` fixtures are in conftest)."""


def cell(ip, source):
    """Run a cell and return its displayed result; an exception in the cell is raised here."""
    result = ip.run_cell(source)
    if result.error_in_exec is not None:
        raise result.error_in_exec
    return result.result

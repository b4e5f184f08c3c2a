"""A failing %%graph cell fails as a plain cell does (issue 15): BaseExceptions stop Run All, and a
SyntaxError shows the plain cell's few lines, its line counted in the whole cell."""
import pytest


@pytest.mark.parametrize("body, error", [("raise KeyboardInterrupt", KeyboardInterrupt),
                                         ("raise SystemExit(3)", SystemExit),
                                         ("class Custom(BaseException): pass\nraise Custom()", BaseException)])
def test_a_base_exception_fails_the_graph_cell_as_in_a_plain_cell(loaded, capsys, body, error):
    with pytest.warns(UserWarning) if error is SystemExit else _nothing():
        plain = loaded.run_cell(body)
    capsys.readouterr()
    with pytest.warns(UserWarning) if error is SystemExit else _nothing():
        graph = loaded.run_cell("%%graph\n" + body)
    out = capsys.readouterr().out
    assert not plain.success and isinstance(plain.error_in_exec, error)
    assert not graph.success and isinstance(graph.error_in_exec, error)
    assert "run_cell_magic" not in out and "magics.py" not in out
    if error is KeyboardInterrupt:
        assert out.count("Traceback (most recent call last)") == 1        # shown once
    # the shell keeps working, with no leftover error handler
    ok = loaded.run_cell("%%graph\nx = 1")
    assert ok.success
    after = loaded.run_cell("1/0")
    assert isinstance(after.error_in_exec, ZeroDivisionError)
    assert "ZeroDivisionError" in capsys.readouterr().out


def test_a_syntax_error_looks_like_a_plain_cells(loaded, capsys):
    plain = loaded.run_cell("a = 1\nx = (1,\n")
    plain_out = capsys.readouterr().out
    graph = loaded.run_cell("%%graph\na = 1\nx = (1,\n")
    out = capsys.readouterr().out
    assert isinstance(plain.error_before_exec, SyntaxError)
    assert isinstance(graph.error_in_exec, SyntaxError) and not graph.success
    # the plain cell's four lines, with the line number counted in the whole %%graph cell
    assert out.strip().splitlines()[1:] == plain_out.strip().splitlines()[1:]
    assert out.strip().splitlines()[0] == plain_out.strip().splitlines()[0].replace("line 2", "line 3")
    assert len(out.strip().splitlines()) <= 5
    assert "tfsess" not in out and "IPython" not in out


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

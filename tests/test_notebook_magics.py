"""The extension in a real IPython shell: load/unload/reload, %%graph and %eval with every option, errors."""
import pytest
from IPython.core.error import UsageError

import tfsess
from tfsess.notebook import render
from tfsess.notebook.widgets import EvalView, GraphView


def cell(ip, source):
    """Run a cell; return its displayed result (None if it failed)."""
    return ip.run_cell(source).result


def hooks(ip):
    """What a load adds to the shell and the core objects, counted."""
    ext = getattr(ip, "_tfsess", None)
    graph = tfsess.get_default_graph()
    return {
        "post_run_cell": len(ip.events.callbacks["post_run_cell"]),
        "graph_listeners": len(graph._listeners),
        "run_listeners": len(ext.session._run_listeners) if ext else 0,
        "line_eval": "eval" in ip.magics_manager.magics["line"],
        "cell_graph": "graph" in ip.magics_manager.magics["cell"],
        "registry": "TfsessMagics" in ip.magics_manager.registry,
        "formatter": tfsess.Graph in ip.display_formatter.formatters["text/plain"].type_printers,
        "names": sorted(n for n in ("tf", "sess") if n in ip.user_ns),
    }


# ----- load / unload / reload -----------------------------------------------------------------

def test_load_opens_an_interactive_session_and_pushes_names(ip, capsys):
    ip.run_line_magic("load_ext", "tfsess")
    out = capsys.readouterr().out
    assert out == ("tfsess: an InteractiveSession on the default graph is ready as sess. "
                   "Magics: %%graph, %eval (help: %eval?). `import tensorflow` gives tfsess (no TensorFlow is "
                   "installed).\n")
    sess = ip.user_ns["sess"]
    assert isinstance(sess, tfsess.InteractiveSession)
    assert tfsess.get_default_session() is sess and sess.graph is tfsess.get_default_graph()
    assert ip.user_ns["tf"] is tfsess
    ip.run_line_magic("load_ext", "tfsess")                    # harmless: IPython says it is loaded
    assert "already loaded" in capsys.readouterr().out
    assert ip.user_ns["sess"] is sess
    assert hooks(ip)["post_run_cell"] == len([c for c in ip.events.callbacks["post_run_cell"]])


def test_taken_names_are_left_alone(ip, capsys):
    ip.user_ns["sess"] = "my session"
    ip.user_ns["tf"] = 42
    ip.run_line_magic("load_ext", "tfsess")
    out = capsys.readouterr().out
    assert "ready as tf.get_default_session() (`sess` was taken)" in out and "`tf` was taken" in out
    assert ip.user_ns["sess"] == "my session" and ip.user_ns["tf"] == 42
    ip.run_line_magic("unload_ext", "tfsess")
    assert ip.user_ns["sess"] == "my session" and ip.user_ns["tf"] == 42


def test_unload_restores_everything_and_closes_the_session(ip):
    clean = hooks(ip)
    ip.register_magic_function(lambda line: "someone else's", "line", "eval")
    theirs = ip.magics_manager.magics["line"]["eval"]
    ip.run_line_magic("load_ext", "tfsess")
    sess = ip._tfsess.session
    loaded = hooks(ip)
    assert loaded["post_run_cell"] == clean["post_run_cell"] + 1
    assert loaded["graph_listeners"] == clean["graph_listeners"] + 1 and loaded["run_listeners"] == 1
    assert loaded["cell_graph"] and loaded["registry"] and loaded["formatter"]
    assert loaded["names"] == ["sess", "tf"]
    ip.run_line_magic("unload_ext", "tfsess")
    assert sess._closed and tfsess.get_default_session() is None
    assert ip.magics_manager.magics["line"]["eval"] is theirs
    del ip.magics_manager.magics["line"]["eval"]
    assert hooks(ip) == clean
    assert sess._run_listeners == []


def test_reload_leaks_nothing(ip, capsys):
    active = tfsess.InteractiveSession._active_session_count
    ip.run_line_magic("load_ext", "tfsess")
    cell(ip, "%%graph\na = tf.constant(1.0, name='a')")
    cell(ip, "%eval a --watch")
    first = hooks(ip)
    sessions = [ip._tfsess.session]
    for _ in range(3):
        ip.run_line_magic("reload_ext", "tfsess")
        sessions.append(ip._tfsess.session)
        assert hooks(ip) == {**first, "run_listeners": 1}
    assert all(s._closed for s in sessions[:-1]) and not sessions[-1]._closed
    assert ip.user_ns["sess"] is sessions[-1]
    assert tfsess.InteractiveSession._active_session_count == active + 1
    assert capsys.readouterr().out.count("tfsess: an InteractiveSession") == 4


def test_graph_text_formatter_is_added_and_removed(loaded):
    tfsess.constant(1.0, name="one")
    data, _ = loaded.display_formatter.format(tfsess.get_default_graph())
    assert data["text/plain"] == "<tf.Graph: 1 op: 1 constant>\n  one  Const -> () float32"
    loaded.run_line_magic("unload_ext", "tfsess")
    data, _ = loaded.display_formatter.format(tfsess.get_default_graph())
    assert data["text/plain"].startswith("<tfsess.framework.graph.Graph at 0x")


def test_a_reset_default_graph_gets_a_new_session(loaded, capsys):
    old = loaded.user_ns["sess"]
    cell(loaded, "tf.reset_default_graph()")
    assert "the default graph was reset; sess is now a new InteractiveSession" in capsys.readouterr().out
    assert old._closed and loaded.user_ns["sess"].graph is tfsess.get_default_graph()


# ----- %%graph -----------------------------------------------------------------------------------

MODEL = """\
x = tf.placeholder(tf.float32, [None, 3], name="x")
W = tf.Variable(tf.ones([3, 2]), name="W")
y = tf.matmul(x, W, name="y")
"""


def test_graph_runs_the_cell_and_shows_what_it_added(loaded, capsys):
    cell(loaded, "a = tf.constant(1.0, name='a')")
    view = cell(loaded, "%%graph\n" + MODEL + "y")
    assert isinstance(view, GraphView)
    assert view.new == ("x", "ones", "W", "W/Assign", "W/read", "y")
    assert loaded.user_ns["y"].name == "y:0"
    assert ('n1 [id="op:x", shape=invhouse, fillcolor="#ffd8a8", label="x\\nPlaceholder\\n(?, 3) float32", '
            'tooltip="x (Placeholder)", color="#d62728"') in view.dot
    assert 'n0 [id="op:a", shape=box, fillcolor="#eeeeee", label="a\\nConst\\n() float32", tooltip="a (Const)"];' in view.dot
    assert view.highlight_ids() == ["op:x", "op:ones", "scope:W", "op:y"]
    assert view.shown in ("widget", "svg" if render.backend() else "text")
    assert view._repr_mimebundle_()["text/plain"] == (
        "graph: 7 ops: 1 placeholder, 1 variable, 2 constants; 6 new (marked +)\n"
        "drawn: 5 nodes\n"
        "  a         Const       -> () float32\n"
        "+ x         Placeholder -> (?, 3) float32\n"
        "+ ones      Const       -> (3, 2) float32\n"
        "+ W         VariableV2  -> (3, 2) float32\n"
        "+ W/Assign  Assign       (W, ones) -> (3, 2) float32\n"
        "+ W/read    Identity     (W) -> (3, 2) float32\n"
        "+ y         MatMul       (x, W/read) -> (?, 2) float32")
    assert repr(view) == "GraphView(7 ops, 6 new)"
    out = capsys.readouterr().out
    assert "<tf.Tensor 'y:0' shape=(?, 2) dtype=float32>" in out and "+ W/read" in out


def test_graph_scope_new_and_no_draw(loaded):
    old_sess = loaded.user_ns["sess"]
    cell(loaded, "a = tf.constant(1.0, name='a')")
    view = cell(loaded, "%%graph --new --scope layer1 --no-draw\nb = tf.constant(2.0, name='b')\nc = b * 2")
    assert old_sess._closed and loaded.user_ns["sess"] is not old_sess
    assert loaded.user_ns["sess"].graph is tfsess.get_default_graph()
    assert [op.name for op in tfsess.get_default_graph().get_operations()] == ["layer1/b", "layer1/mul/y", "layer1/mul"]
    assert view.shown == "text" and "<pre" in view.body.value and "+ layer1/b" in view.body.value
    assert 'subgraph "cluster_scope:layer1" {' in view.dot and 'label="layer1/"' in view.dot


def test_a_picture_keeps_the_graph_as_its_cell_left_it_unless_live(loaded):
    view = cell(loaded, "%%graph\na = tf.constant(1.0, name='a')")
    live = cell(loaded, "%%graph --live\nz = tf.constant(0.0, name='z')")
    dot, text = view.dot, view.text
    assert view.redraws == 1 and live.redraws == 1 and live.live and not view.live
    cell(loaded, "b = a + 1\nc = b * 2\nd = c - 3")
    assert (view.dot, view.text, view.redraws) == (dot, text, 1)          # an earlier picture never changes
    assert live.redraws == 2 and live.new == ("add/y", "add", "mul/y", "mul", "sub/y", "sub")
    assert live.dot.count("penwidth=3") == 3                               # add, mul, sub (literals inside)
    cell(loaded, "print('no new ops')")
    assert live.redraws == 2
    live.follow.value = False                                              # the button stops following
    cell(loaded, "e = d * 5")
    assert live.redraws == 2


def test_ops_made_by_eval_expressions_stay_out_of_later_pictures(loaded):
    cell(loaded, "a = tf.constant(2.0, name='a')")
    assert cell(loaded, "%eval tf.reduce_sum(a) * 10").values["tf.reduce_sum(a) * 10"] == 20.0
    view = cell(loaded, "%%graph\nb = a + 1")
    assert [r.name for r in view.snap.ops] == ["a", "add/y", "add"]
    assert "Sum" not in view.text and "Sum" not in view.dot
    assert len(tfsess.get_default_graph().get_operations()) == 7         # the ops exist, hidden from pictures


def test_graph_options_direction_expand_and_grouping(loaded):
    src = "%%graph {}\nz = tf.placeholder(tf.float32, name='z')\nt = z\nfor _ in range(150):\n    t = t + z"
    view = cell(loaded, src.format("--lr"))
    assert "rankdir=LR" in view.dot and view.direction == "LR"
    assert 'id="scope:add_*"' in view.dot and "150 × AddV2" in view.dot
    assert view.text.splitlines()[1] == "drawn: 2 nodes; stacked: add_*"
    flat = cell(loaded, src.format("--new --no-group --direction TB"))
    assert "rankdir=TB" in flat.dot and flat.dot.count("AddV2") == 300
    opened = cell(loaded, "%%graph --expand add_*\nq = tf.identity(t)")
    assert 'subgraph "cluster_scope:add_*"' in opened.dot


def test_many_graph_cells_keep_a_bounded_number_of_interactive_views(loaded, monkeypatch):
    from tfsess.notebook.extension import KEEP_INTERACTIVE
    import ipywidgets
    monkeypatch.setattr(render, "render_svg", lambda dot, timeout=None: "<svg>%d</svg>" % len(dot))
    cell(loaded, "%%graph\nx = tf.constant(1.0, name='x')")
    counts = []
    for i in range(300):
        cell(loaded, "%%%%graph\nx = x + %d.0" % i)
        if i in (99, 299):
            counts.append(len(ipywidgets.Widget.widgets))
    ext = loaded._tfsess
    assert len(ext.views) == KEEP_INTERACTIVE
    observed = [v for v in ext.views if v.drawing is not None and v.drawing._trait_notifiers.get("expanded")]
    assert len(observed) == KEEP_INTERACTIVE
    per_frozen = (counts[1] - counts[0]) / 200
    assert per_frozen <= 6, per_frozen                       # a frozen picture keeps VBox + HTML (+ layouts)


def test_graph_cell_error_shows_short_message_and_partial_graph(loaded, capsys):
    result = loaded.run_cell("%%graph\np = tf.placeholder(tf.float32, name='p')\nq = p * 2\nsess.run(q)")
    assert not result.success
    assert isinstance(result.error_in_exec, tfsess.errors.InvalidArgumentError)
    out = capsys.readouterr().out
    assert "graph (partial: the cell failed): 3 ops" in out and "+ q" not in out and "+ mul " in out
    assert ("InvalidArgumentError: You must feed a value for placeholder tensor 'p' with dtype float\n"
            "  in op 'p' (Placeholder)\n"
            "Hint: placeholder 'p' needs a value in every run: add --feed p=VALUE") in out
    assert "Traceback" not in out
    assert cell(loaded, "%eval q --feed p=3") is not None          # the session still works


def test_graph_build_error_and_python_error(loaded, capsys):
    result = loaded.run_cell("%%graph\na = tf.constant([1.0, 2.0])\ntf.matmul(a, a)")
    assert isinstance(result.error_in_exec, ValueError)
    out = capsys.readouterr().out
    assert "ValueError: Shape must be rank 2 but is rank 1 for 'MatMul'" in out and "Traceback" not in out
    result = loaded.run_cell("%%graph\nundefined_name + 1")
    assert isinstance(result.error_in_exec, NameError)
    assert "NameError" in capsys.readouterr().out


def test_graph_bad_arguments_are_usage_errors(loaded, capsys):
    with pytest.raises(UsageError, match=r"unrecognized arguments: --wat\nusage: %graph \[--new\]"):
        loaded.run_cell_magic("graph", "--wat", "x = 1")
    with pytest.raises(UsageError, match="not a valid root scope name"):
        loaded.run_cell_magic("graph", "--scope bad!name", "x = 1")
    loaded.run_cell("%%graph --nope\nx = 1")
    assert "UsageError: unrecognized arguments: --nope" in capsys.readouterr().err
    assert "x" not in loaded.user_ns


def test_help_comes_from_the_docstrings(loaded):
    eval_doc = loaded.magics_manager.magics["line"]["eval"].__doc__
    graph_doc = loaded.magics_manager.magics["cell"]["graph"].__doc__
    assert "%eval [--feed NAME=VALUE [NAME=VALUE ...]] [--watch] [--interact]" in eval_doc
    assert "Evaluate tensors, variables or ops" in eval_doc and "--interact" in eval_doc
    assert "%graph [--new] [--scope NAME] [--no-draw]" in graph_doc and "name scopes" in graph_doc


# ----- %eval -------------------------------------------------------------------------------------

def test_eval_values_feeds_and_the_subgraph_that_ran(loaded, capsys):
    cell(loaded, MODEL + "sess.run(tf.global_variables_initializer())")
    view = cell(loaded, "%eval y W 'W/read:0' --feed x=[[1, 2, 3]]")
    assert isinstance(view, EvalView)
    assert view.labels == ["y", "W", "'W/read:0'"]
    assert view.values["y"].tolist() == [[6.0, 6.0]]
    assert view.text == ("y = [[6. 6.]]    # float32, shape (1, 2)\n"
                         "W = [[1. 1.]\n"
                         "     [1. 1.]\n"
                         "     [1. 1.]]    # float32, shape (3, 2)\n"
                         "'W/read:0' = [[1. 1.]\n"
                         "              [1. 1.]\n"
                         "              [1. 1.]]    # float32, shape (3, 2)\n"
                         "feeds: x=[[1. 2. 3.]]\n"
                         "ran 4 ops: x, W, W/read, y")
    assert view._repr_mimebundle_()["text/plain"] == view.text
    g = view.graph_view
    assert g.ran == ("x", "W", "W/read", "y")
    assert [r.name for r in g.snap.ops] == ["x", "W", "W/read", "y"]    # only the subgraph that ran
    assert 'label="y\\nMatMul\\n(?, 2) float32\\n= [[6. 6.]]", tooltip="y (MatMul)"' in g.dot
    assert 'label="x\\nPlaceholder\\n(?, 3) float32\\n= [[1. 2. 3.]]"' in g.dot
    assert "* y       MatMul       (x, W/read) -> (?, 2) float32  = [[6. 6.]]" in g.text
    assert 'font-size:2em' not in view.values_box.children[0].value and "<table" in view.values_box.children[0].value
    # a feed keyed by tensor name, the value a Python expression; a scalar shows large
    scalar = cell(loaded, "%eval tf.reduce_sum(y) --feed x:0=np.ones((2, 3))" if "np" in loaded.user_ns
                  else "import numpy as np\n%eval tf.reduce_sum(y) --feed x:0=np.ones((2,3))")
    assert scalar.values["tf.reduce_sum(y)"] == 12.0
    assert "font-size:2em" in scalar.values_box.children[0].value


def test_eval_lists_op_names_and_no_draw(loaded):
    cell(loaded, "a = tf.constant(2.0, name='a')\nb = tf.multiply(a, 3.0, name='b')")
    view = cell(loaded, "%eval [a, b], b --no-draw")
    assert view.labels == ["[a, b][0]", "[a, b][1]", "b"] and view.graph_view is None
    assert [float(v) for v in view.values.values()] == [2.0, 6.0, 6.0]
    op = cell(loaded, "%eval b:0 'b'")
    assert op.values["b:0"] == 6.0 and op.values["'b'"] is None
    assert "'b' names an op, which runs without a value; to see its output, eval 'b:0'" in op.text


def test_eval_errors_are_short_with_hints_and_leave_the_session_working(loaded, capsys):
    cell(loaded, MODEL)
    with pytest.raises(tfsess.errors.FailedPreconditionError) as info:
        loaded.run_line_magic("eval", "y --feed x=[[1, 2, 3]]")
    assert info.value._render_traceback_() == [
        "FailedPreconditionError: Attempting to use uninitialized value W",
        "  in op 'W/read' (Identity)",
        "Hint: variables have no value until their initializer runs: "
        "sess.run(tf.global_variables_initializer()) (or %eval tf.global_variables_initializer())"]
    cell(loaded, "%eval tf.global_variables_initializer()")
    capsys.readouterr()
    result = loaded.run_cell("%eval y")
    assert isinstance(result.error_in_exec, tfsess.errors.InvalidArgumentError)
    out = capsys.readouterr().out
    assert out.startswith("InvalidArgumentError: You must feed a value for placeholder tensor 'x'")
    assert "--feed x=VALUE" in out and "Traceback" not in out
    for line, err in [("nothing_here", NameError), ("3", TypeError), ("y --feed x=[[1, 2]]", ValueError)]:
        with pytest.raises(err) as info:
            loaded.run_line_magic("eval", line)
        assert len(info.value._render_traceback_()) <= 3
    assert cell(loaded, "%eval y --feed x=[[1, 1, 1]]").values["y"].tolist() == [[3.0, 3.0]]


def test_eval_bad_arguments_are_usage_errors(loaded, capsys):
    cell(loaded, "a = tf.constant(1.0, name='a')")
    for line, msg in [("a --bogus", "unrecognized arguments: --bogus"),
                      ("", "%eval needs at least one expression"),
                      ("a --feed nope=1", "'nope' is neither a Python name of a tensor nor a tensor name"),
                      ("a --feed a=(", "unbalanced quotes or brackets"),
                      ("a +", "invalid expression")]:
        with pytest.raises(UsageError, match=msg):
            loaded.run_line_magic("eval", line)
    loaded.run_cell("%eval a --bogus")
    assert "UsageError: unrecognized arguments: --bogus\nusage: %eval [--feed NAME=VALUE" in capsys.readouterr().err


def test_eval_lines_are_not_var_expanded(loaded):
    fn = loaded.magics_manager.magics["line"]["eval"]
    assert fn._ipython_magic_no_var_expand and fn._ipython_magic_output_can_be_silenced
    cell(loaded, "a = tf.constant(1.0, name='a')\nname = 'a:0'")
    with pytest.raises(TypeError, match="is set"):            # `{name}` reached %eval as a set literal
        loaded.run_line_magic("eval", "{name}")


def test_eval_output_can_be_silenced(loaded, capsys):
    cell(loaded, "a = tf.constant(1.0, name='a')")
    capsys.readouterr()
    loaded.run_cell("%eval a;")
    assert capsys.readouterr().out == ""


def test_watch_refreshes_after_later_runs(loaded):
    cell(loaded, "v = tf.Variable(0.0, name='v')\ninc = tf.assign_add(v, 1.0)\nsess.run(v.initializer)")
    view = cell(loaded, "%eval v v*10 --watch")
    assert view.values["v"] == 0.0 and view.watch
    cell(loaded, "for _ in range(5):\n    sess.run(inc)")
    assert view.values["v"] == 5.0 and view.values["v*10"] == 50.0
    assert view.text.startswith("v = 5.0    # float32, shape ()\nv*10 = 50.0")
    assert 'label="v\\nVariableV2\\n() float32\\n= 5"' in view.graph_view.dot
    cell(loaded, "inc.op.run()")
    assert view.values["v"] == 6.0
    with pytest.raises(UsageError, match=r"--watch re-runs .* 'AssignAdd' \(AssignAdd\)"):
        loaded.run_line_magic("eval", "inc --watch")
    loaded.run_line_magic("unload_ext", "tfsess")                # detached: later runs change nothing
    assert view.runner is None and not view.watch


def test_interact_sliders_rerun_and_update_value_and_graph(loaded):
    cell(loaded, "a = tf.placeholder(tf.float32, [], name='a')\n"
                 "k = tf.placeholder(tf.int32, [], name='k')\n"
                 "b = tf.placeholder_with_default(2.0, [], name='b')\n"
                 "y = a * b + tf.cast(k, tf.float32)")
    view = cell(loaded, "%eval y --interact")
    assert sorted(view.controls) == ["a", "b", "k"]
    assert type(view.controls["a"]).__name__ == "FloatSlider" and type(view.controls["k"]).__name__ == "IntSlider"
    assert view.controls["b"].value == 2.0 and view.values["y"] == 0.0
    view.controls["a"].value = 1.5
    assert view.values["y"] == 3.0
    view.controls["k"].value = 4
    assert view.values["y"] == 7.0
    assert "feeds: a=1.5, k=4, b=2.0" in view.text
    assert 'label="a\\nPlaceholder\\n() float32\\n= 1.5"' in view.graph_view.dot
    assert 'label="add\\nAddV2\\n() float32\\n= 7"' in view.graph_view.dot


def test_interact_text_box_for_tensors_and_fed_placeholders_stay_fixed(loaded):
    cell(loaded, "x = tf.placeholder(tf.float32, [None, 2], name='x')\n"
                 "s = tf.placeholder(tf.float32, [], name='s')\ny = tf.reduce_sum(x) * s")
    view = cell(loaded, "%eval y --interact --feed s=10")
    assert list(view.controls) == ["x"] and view.controls["x"].value == "[[0.0, 0.0]]"
    view.controls["x"].value = "[[1, 2], [3, 4]]"
    assert view.values["y"] == 100.0
    view.controls["x"].value = "[[1, 2"                             # bad literal: shown, value kept
    assert view.values["y"] == 100.0 and view.status.startswith("bad control value")
    view.controls["x"].value = "[[1, 2, 3]]"                         # wrong shape: short error, value kept
    assert view.values["y"] == 100.0 and view.status.startswith("ValueError: Cannot feed value of shape (1, 3)")
    view.controls["x"].value = "[[1, 1]]"
    assert view.values["y"] == 20.0 and view.status == ""


def test_interact_without_placeholders_says_so(loaded):
    cell(loaded, "a = tf.constant(1.0, name='a')")
    view = cell(loaded, "%eval a --interact")
    assert view.controls == {} and "--interact: no unfed placeholders" in view.text


def test_graph_collapse_draws_scopes_as_single_nodes(loaded, capsys):
    view = cell(loaded, "%%graph --collapse layer loss\nwith tf.name_scope('layer'):\n"
                        "    h = tf.constant(1.0, name='a') * 2.0\nwith tf.name_scope('loss'):\n"
                        "    l = tf.square(h) + 1.0\nout = tf.identity(l, name='out')")
    assert view.collapsed == ("layer", "loss")
    assert 'label="layer/\\n3 ops"' in view.dot and 'label="loss/\\n3 ops"' in view.dot
    assert "cluster_scope" not in view.dot and "+ layer/" in view.text.splitlines()[2]
    assert "+ layer/  (3 ops, collapsed)" in view.text and "layer/a" not in view.text   # the listing folds too
    view.expand("loss")
    assert view.collapsed == ("layer",) and 'subgraph "cluster_scope:loss"' in view.dot
    capsys.readouterr()
    view = cell(loaded, "%%graph --collapse nope layer\nc = tf.constant(3.0, name='c')")
    assert view.collapsed == ("layer",)
    assert ("tfsess: no name scope 'nope' in the graph (its scopes: layer, loss)"
            in capsys.readouterr().out)
    view = cell(loaded, "%%graph --expand-all\nd = tf.constant(4.0, name='d')")
    assert view.collapsed == ()


def test_a_closed_session_stays_closed_until_graph_new(loaded, capsys):
    sess = loaded.user_ns["sess"]
    cell(loaded, "c = tf.constant(3)\nsess.close()")
    assert sess._closed and loaded.user_ns["sess"] is sess and tfsess.get_default_session() is None
    result = loaded.run_cell("c.eval()")
    assert isinstance(result.error_in_exec, ValueError)
    assert "No default session is registered" in str(result.error_in_exec)
    cell(loaded, "%%graph --new --no-draw\nd = tf.constant(4)")
    assert loaded.user_ns["sess"] is not sess and not loaded.user_ns["sess"]._closed
    assert cell(loaded, "d.eval()") == 4

"""graph_to_dot / graph_to_text: deterministic text, node styles, clusters, collapsing, highlights, big graphs."""
import re

import tfsess as tf
from tfsess.notebook import dot


def _model():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    with tf.name_scope("layer"):
        w = tf.Variable(tf.ones([3, 2]), name="W")
        y = tf.matmul(x, w, name="y")
    loss = tf.reduce_mean(tf.square(y), name="loss")
    init = tf.global_variables_initializer()
    return x, w, y, loss, init


def test_same_graph_gives_same_dot():
    _model()
    first = dot.graph_to_dot(tf.get_default_graph())
    tf.reset_default_graph()
    _model()
    second = dot.graph_to_dot(tf.get_default_graph())
    assert first == second
    assert "0x" not in first
    assert first.startswith("digraph tfsess {") and first.rstrip().endswith("}")


def test_node_ids_follow_creation_order_and_kinds_look_different():
    _model()
    d = dot.graph_to_dot(tf.get_default_graph())
    assert re.search(r'^  n0 \[shape=invhouse, fillcolor="#ffd8a8", label="x\\nPlaceholder\\n\(\?, 3\) float32"',
                     d, re.M)
    assert 'shape=cylinder' in d and 'label="W\\nVariableV2\\n(3, 2) float32"' in d
    assert 'shape=box, fillcolor="#eeeeee", fontsize=9, label="ones\\nConst"' in d
    assert 'shape=ellipse, fillcolor="#ffffff", label="y\\nMatMul"' in d


def test_edges_carry_shape_and_dtype_and_control_edges_are_dashed():
    _model()
    d = dot.graph_to_dot(tf.get_default_graph())
    ops = [op.name for op in tf.get_default_graph().get_operations()]
    n = {name: "n%d" % i for i, name in enumerate(ops)}
    assert '  %s -> %s [label="(?, 3) float32"];' % (n["x"], n["layer/y"]) in d
    assert '%s -> %s [label="(?, 2) float32"];' % (n["layer/y"], n["Square"]) in d
    # init depends on the variable's Assign by a control edge; the variable is one node (s1 = scope layer/W)
    assert re.search(r"s\d+ -> %s \[style=dashed" % n["init"], d)


def test_name_scopes_are_clusters_and_can_be_collapsed():
    _model()
    g = tf.get_default_graph()
    d = dot.graph_to_dot(g)
    assert "subgraph cluster_0 {" in d and 'label="layer/"' in d
    c = dot.graph_to_dot(g, collapsed=["layer"])
    assert "subgraph cluster_0" not in c
    assert re.search(r's0 \[shape=box3d, fillcolor="#dbe9fb", label="layer/\\n5 ops"', c)
    assert dot.scopes_of(g) == ["layer", "layer/W"]


def test_variables_are_one_node_unless_expanded():
    _model()
    g = tf.get_default_graph()
    assert "W/Assign" not in dot.graph_to_dot(g)
    expanded = dot.graph_to_dot(g, collapse_variables=False)
    assert 'label="Assign\\n(3, 2) float32"' in expanded and 'label="read\\nIdentity"' in expanded
    assert 'color="#e67e22"' in expanded      # Assign takes the variable by reference


def test_new_ops_are_emphasised_and_ran_subgraph_marked():
    x, w, y, loss, init = _model()
    g = tf.get_default_graph()
    d = dot.graph_to_dot(g, new=["Square", "loss"])
    assert d.count('penwidth=2.5') == 2
    assert 'label="Square", tooltip="Square (Square)", color="#d62728"' in d
    r = dot.graph_to_dot(g, ran=["x", "layer/W", "layer/W/read", "layer/y"])
    assert 'label="y\\nMatMul", tooltip="layer/y (MatMul)", color="#1f6fd1", penwidth=2' in r
    assert 'label="Square", tooltip="Square (Square)", color="#c8c8c8", fontcolor="#9a9a9a"' in r


def test_values_are_shown_on_nodes_and_escaped():
    a = tf.constant(2.0, name="a")
    s = tf.constant("hi", name="s")
    d = dot.graph_to_dot(tf.get_default_graph(), values={a.name: "2", s.name: 'b"hi"\\'})
    assert 'label="a\\nConst\\n() float32\\n= 2"' in d
    assert '= b\\"hi\\"\\\\"' in d


def test_text_listing_marks_new_and_ran_ops():
    x, w, y, loss, init = _model()
    g = tf.get_default_graph()
    text = dot.graph_to_text(g, new=["loss"])
    lines = text.splitlines()
    assert lines[0].startswith("  x ") and "Placeholder -> (?, 3) float32" in lines[0]
    assert [ln for ln in lines if ln.startswith("+")][0].split()[1] == "loss"
    assert "(^layer/W/Assign)" in text
    ran = dot.graph_to_text(g, ran=["x", "layer/y"], values={"layer/y:0": "[[6. 6.]]"}, only_ran=True)
    assert ran.splitlines() == ["* x        Placeholder -> (?, 3) float32",
                                "* layer/y  MatMul       (x, layer/W/read) -> (?, 2) float32  = [[6. 6.]]"]
    assert dot.summary(g) == "10 ops: 1 placeholder, 1 variable, 2 constants"


def test_text_listing_folds_collapsed_scopes_like_the_drawing():
    _model()
    g = tf.get_default_graph()
    lines = dot.graph_to_text(g, new=["layer/y"], collapsed=["layer", "layer/W"]).splitlines()
    folded = [ln for ln in lines if "collapsed" in ln]
    assert folded == ["+ layer/  (5 ops, collapsed)"]                       # the outermost scope wins
    assert lines.index(folded[0]) == 1 and not any(ln[2:].startswith("layer/") for ln in lines if ln != folded[0])
    assert dot.graph_to_text(g, collapsed=["nowhere"]) == dot.graph_to_text(g)


def test_a_100000_op_graph_is_summarised_not_crashed():
    t = tf.constant(0.0, name="start")
    for _ in range(100_000):
        t = tf.identity(t)
    g = tf.get_default_graph()
    d = dot.graph_to_dot(g, new=[t.op.name])
    nodes = re.findall(r"^\s+(n\d+|s\d+|more) \[", d, re.M)
    assert len(nodes) == dot.MAX_NODES + 1 and "more" in nodes
    assert "… 99801 earlier ops" in d
    text = dot.graph_to_text(g)
    assert len(text.splitlines()) == dot.MAX_TEXT_LINES and "… 99942 more ops …" in text


def test_large_scoped_graph_collapses_biggest_scopes_first():
    for i in range(30):
        with tf.name_scope("block%d" % i):
            t = tf.constant(1.0)
            for _ in range(20):
                t = tf.identity(t)
    keep = t.op.name                       # in the last block: stays expanded while others collapse
    d = dot.graph_to_dot(tf.get_default_graph(), new=[keep], max_nodes=60)
    assert len(re.findall(r"shape=box3d", d)) == 29
    assert "more [" not in d and keep.split("/")[0] + "/" in d


def test_deeply_nested_scopes_need_no_recursion():
    t = tf.constant(1.0, name="c")
    tf.identity(t, name="/".join(["s"] * 600) + "/leaf")
    d = dot.graph_to_dot(tf.get_default_graph())
    assert d.count("subgraph cluster_") == 0 or d.count("{") == d.count("}")
    assert dot.graph_to_dot(tf.get_default_graph(), collapsed=["s"]).count("box3d") == 1


def test_device_placement_is_shown_on_nodes():
    with tf.device("/gpu:0"):
        tf.constant(1.0, name="a")
    tf.constant(2.0, name="b")
    text = dot.graph_to_dot(tf.get_default_graph().get_operations())
    node_a = [l for l in text.splitlines() if 'tooltip="a (Const)' in l][0]
    node_b = [l for l in text.splitlines() if 'tooltip="b (Const)' in l][0]
    assert "@/gpu:0" in node_a and 'on /gpu:0"' in node_a
    assert "@" not in node_b

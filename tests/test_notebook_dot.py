"""Snapshots, the decluttering rules and the DOT/text they give: collapse defaults, auxiliary area, series, literals."""
import re

import tfsess as tf
from tfsess.notebook import declutter, dot
from tfsess.notebook.snapshot import snapshot


def _model():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    with tf.name_scope("layer"):
        w = tf.Variable(tf.ones([3, 2]), name="W")
        y = tf.matmul(x, w, name="y")
    loss = tf.reduce_mean(tf.square(y), name="loss")
    init = tf.global_variables_initializer()
    return x, w, y, loss, init


def _mlp_adam():
    x = tf.placeholder(tf.float32, [None, 784], name="x")
    y_ = tf.placeholder(tf.float32, [None, 10], name="y_")
    w1 = tf.Variable(tf.random_normal([784, 256], stddev=0.1), name="W1")
    b1 = tf.Variable(tf.zeros([256]), name="b1")
    h = tf.nn.relu(tf.matmul(x, w1) + b1)
    w2 = tf.Variable(tf.random_normal([256, 10], stddev=0.1), name="W2")
    b2 = tf.Variable(tf.zeros([10]), name="b2")
    logits = tf.matmul(h, w2) + b2
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y_, logits=logits))
    tf.train.AdamOptimizer(0.001).minimize(loss)
    tf.global_variables_initializer()


def _nodes(d):
    """(element id, in auxiliary area) per drawn node."""
    out, aux = [], False
    for line in d.splitlines():
        if "subgraph cluster_auxiliary" in line:
            aux = True
        m = re.match(r'\s+\w+ \[id="([^"]+)"', line)
        if m:
            out.append((m.group(1), aux))
    return out


def test_same_graph_gives_same_dot():
    _model()
    first = dot.graph_to_dot(tf.get_default_graph())
    tf.reset_default_graph()
    _model()
    assert dot.graph_to_dot(tf.get_default_graph()) == first
    assert "0x" not in first and first.startswith("digraph tfsess {") and first.rstrip().endswith("}")


def test_a_snapshot_never_reads_the_live_graph():
    a = tf.constant(1.0, name="a")
    b = a * 2.0
    ops = tf.get_default_graph().get_operations()
    d = dot.graph_to_dot(ops[:2])                      # the consumer `mul` is cut off: no KeyError
    assert 'id="op:a"' in d and 'id="op:mul/y"' in d and "->" not in d
    snap = snapshot(tf.get_default_graph())
    before = dot.graph_to_dot(snap)
    b + 1.0
    assert dot.graph_to_dot(snap) == before and len(snap) == 3
    assert [r.name for r in snap.ops] == ["a", "mul/y", "mul"]


def test_text_is_large_enough_to_project():
    _model()
    d = dot.graph_to_dot(tf.get_default_graph())
    assert "node [fontname" in d and re.search(r"node \[[^]]*fontsize=14", d)
    assert re.search(r"edge \[[^]]*fontsize=12", d)
    assert all(int(s) >= 12 for s in re.findall(r"fontsize=(\d+)", d))


def test_small_graphs_draw_scopes_open_and_variables_as_one_node():
    _model()
    g = tf.get_default_graph()
    d = dot.graph_to_dot(g)
    assert 'subgraph "cluster_scope:layer" {' in d and 'id="cluster_scope:layer"' in d
    assert 'id="scope:layer/W", shape=cylinder' in d and "W/Assign" not in d
    opened = dot.graph_to_dot(g, expanded=["layer", "layer/W"])
    assert 'id="op:layer/W/Assign", shape=ellipse, fillcolor="#ffffff", label="Assign"' in opened and 'label="read\\nIdentity"' in opened
    assert 'color="#e67e22"' in opened and "arrowhead=diamond" in opened     # Assign's reference edge
    shut = dot.graph_to_dot(g, collapsed=["layer"])
    assert "cluster_scope" not in shut and re.search(r'id="scope:layer", shape=box3d, [^]]*label="layer/\\n5 ops"', shut)
    assert dot.scopes_of(g) == ["layer", "layer/W"]


def test_larger_graphs_start_with_every_scope_closed():
    for i in range(4):
        with tf.name_scope("block%d" % i):
            t = tf.constant(1.0)
            for _ in range(10):
                t = tf.identity(t)
    snap = snapshot(tf.get_default_graph())
    assert len(snap) > declutter.SMALL_GRAPH and declutter.default_expanded(snap) == frozenset()
    d = dot.graph_to_dot(snap)
    assert [n for n, _ in _nodes(d)] == ["scope:block0", "scope:block1", "scope:block2", "scope:block3"]
    opened = dot.graph_to_dot(snap, expanded=["block2"])
    assert 'subgraph "cluster_scope:block2"' in opened and 'id="scope:block2/Identity_*"' in opened


def test_mlp_with_adam_default_view_is_small_and_puts_plumbing_aside():
    _mlp_adam()
    v = dot.build_view(tf.get_default_graph())
    nodes = _nodes(v.dot)
    main = [n for n, aux in nodes if not aux]
    aux = [n for n, is_aux in nodes if is_aux]
    assert len(tf.get_default_graph().get_operations()) == 121 and len(nodes) <= 40
    assert main == ["op:x", "op:y_", "scope:W1", "scope:b1", "op:MatMul", "op:add", "op:Relu", "scope:W2",
                    "scope:b2", "op:MatMul_1", "op:add_1", "op:StopGradient",
                    "op:softmax_cross_entropy_with_logits", "op:Mean"]
    assert aux == ["scope:random_normal", "scope:random_normal_1", "scope:gradients", "scope:beta1_power",
                   "scope:beta2_power", "scope:Adam", "op:init"]
    assert v.summary == "14 nodes + 7 auxiliary; collapsed: random_normal, random_normal_1, gradients, Adam"
    assert "Const = [0]" in v.dot                          # Mean's axis constant is written inside it
    assert v.node_info["op:MatMul"]["rows"][0] == ["type", "MatMul"]
    assert any(k == "defined at" for k, _ in v.node_info["op:MatMul"]["rows"])
    # no edge crosses between the main graph and the auxiliary area
    ids = {m.group(1): m.group(2) for m in re.finditer(r'^\s+(\w+) \[id="([^"]+)"', v.dot, re.M)}
    aux_ids = {k for k, n in ids.items() if n in aux}
    for s, d in re.findall(r"^\s+(\w+) -> (\w+)", v.dot, re.M):
        assert (s in aux_ids) == (d in aux_ids)
    no_aux = dot.build_view(tf.get_default_graph(), auxiliary=False)
    assert "cluster_auxiliary" not in no_aux.dot


def test_the_auxiliary_area_is_stacked_in_columns_and_labels_use_a_font_graphviz_can_measure():
    _mlp_adam()
    v = dot.build_view(tf.get_default_graph())
    ids = {m.group(2): m.group(1) for m in re.finditer(r'^\s+(\w+) \[id="([^"]+)"', v.dot, re.M)}
    aux = ["scope:random_normal", "scope:random_normal_1", "scope:gradients", "scope:beta1_power",
           "scope:beta2_power", "scope:Adam", "op:init"]
    invisible = re.findall(r"^\s+(\w+) -> (\w+) \[style=invis, weight=0\];", v.dot, re.M)
    k = dot.AUX_COLUMNS
    assert invisible == [(ids[a], ids[b]) for a, b in zip(aux, aux[k:])]   # one column per k-th node
    # a font list makes Graphviz size labels with Times's metrics: in the page they overflow their boxes
    assert set(re.findall(r'fontname="([^"]+)"', v.dot)) == {"Helvetica"}
    small = dot.build_view(snapshot(tf.get_default_graph().get_operations()[:3]))
    assert "style=invis" not in small.dot


def test_noop_and_initializers_go_aside_only_past_the_minimum_size():
    _model()
    assert all(not aux for _, aux in _nodes(dot.graph_to_dot(tf.get_default_graph())))   # 10 ops: no side area
    for i in range(6):
        tf.square(tf.constant(float(i)), name="sq%d" % i)
    nodes = dict(_nodes(dot.graph_to_dot(tf.get_default_graph())))
    assert nodes["op:init"] is True and nodes["op:loss"] is False and nodes["scope:layer/W"] is False


def test_high_degree_nodes_go_to_the_auxiliary_area():
    hub = tf.placeholder(tf.float32, [], name="hub")
    outs = []
    for i in range(16):
        x = tf.placeholder(tf.float32, [], name="in%d" % i)
        outs.append(tf.sin(x, name="s%d" % i) * hub)
    nodes = dict(_nodes(dot.graph_to_dot(tf.get_default_graph(), group_series=False)))
    assert nodes["op:hub"] is True and nodes["op:in3"] is False and nodes["op:s3"] is False


def test_series_of_similar_names_are_one_stack_with_an_off_switch():
    y = tf.placeholder(tf.float32, [], name="y")
    z = y
    for _ in range(150):
        z = z + y
    g = tf.get_default_graph()
    d = dot.graph_to_dot(g)
    assert [n for n, _ in _nodes(d)] == ["op:y", "scope:add_*"]
    assert 'label="add … add_149\\n150 × AddV2"' in d and d.count(" -> ") == 1
    flat = dot.graph_to_dot(g, group_series=False)
    assert len(_nodes(flat)) == 151
    opened = dot.graph_to_dot(g, expanded=["add_*"])
    assert 'subgraph "cluster_scope:add_*"' in opened and len(_nodes(opened)) == 151
    assert dict(_nodes(opened))["op:y"] is True          # the hub feeding all 150 goes aside: a plain chain to lay out
    few = tf.Graph()
    with few.as_default():
        a = tf.constant(1.0, name="a")
        for _ in range(3):
            a = a + 1.0
    assert "add_*" not in dot.graph_to_dot(few)          # fewer than 5: no stack


def test_literals_are_drawn_inside_their_consumer():
    r = tf.placeholder_with_default(1.0, [], name="radius")
    tf.multiply(3.0, r * 2.0, name="area")
    d = dot.graph_to_dot(tf.get_default_graph())
    assert [n for n, _ in _nodes(d)] == ["op:radius", "op:mul", "op:area"]
    assert 'label="radius\\nPlaceholderWithDefault\\n() float32\\ninput = 1"' in d
    assert "y = 2" in d and "x = 3" in d


def test_control_edges_dashed_and_hidden_past_four():
    a = tf.constant(1.0, name="a")
    b = tf.constant(2.0, name="b")
    with tf.control_dependencies([a]):
        tf.identity(b, name="c")
    d = dot.graph_to_dot(tf.get_default_graph())
    assert re.search(r"n0 -> n2 \[style=dashed", d)
    deps = [tf.constant(float(i), name="d%d" % i) for i in range(5)]
    with tf.control_dependencies(deps):
        tf.identity(a, name="many")
    d = dot.graph_to_dot(tf.get_default_graph(), group_series=False)
    assert d.count("style=dashed") == 1


def test_new_ops_are_emphasised_and_values_escaped():
    x, w, y, loss, init = _model()
    v = dot.build_view(tf.get_default_graph(), new=["Square", "loss"])
    assert v.dot.count("penwidth=3") == 2 and v.highlight == ["op:Square", "op:loss"]
    a = tf.constant(2.0, name="a2")
    d = dot.graph_to_dot(tf.get_default_graph(), values={a.name: 'b"hi"\\'})
    assert '= b\\"hi\\"\\\\"' in d


def test_text_listing_marks_new_and_ran_ops():
    x, w, y, loss, init = _model()
    g = tf.get_default_graph()
    lines = dot.graph_to_text(g, new=["loss"]).splitlines()
    assert lines[0].startswith("  x ") and "Placeholder -> (?, 3) float32" in lines[0]
    assert [ln for ln in lines if ln.startswith("+")][0].split()[1] == "loss"
    ran = dot.graph_to_text(g, ran=["x", "layer/y"], values={"layer/y:0": "[[6. 6.]]"}, only_ran=True)
    assert ran.splitlines() == ["* x        Placeholder -> (?, 3) float32",
                                "* layer/y  MatMul       (x, layer/W/read) -> (?, 2) float32  = [[6. 6.]]"]
    assert dot.summary(g) == "10 ops: 1 placeholder, 1 variable, 2 constants"
    folded = dot.graph_to_text(g, new=["layer/y"], collapsed=["layer", "layer/W"]).splitlines()
    assert [ln for ln in folded if "collapsed" in ln] == ["+ layer/  (5 ops, collapsed)"]


def test_a_100000_op_graph_is_summarised_not_crashed():
    t = tf.constant(0.0, name="start")
    for i in range(100_000):
        t = tf.identity(t, name="id%d" % (i % 7) if i % 2 else None)
    g = tf.get_default_graph()
    d = dot.graph_to_dot(g, new=[t.op.name], group_series=False)
    nodes = re.findall(r"^\s+(\w+) \[id=", d, re.M)
    assert len(nodes) == dot.MAX_NODES + 1 and "… " in d
    text = dot.graph_to_text(g)
    assert len(text.splitlines()) == dot.MAX_TEXT_LINES


def test_deeply_nested_scopes_need_no_recursion():
    t = tf.constant(1.0, name="c")
    tf.identity(t, name="/".join(["s"] * 600) + "/leaf")
    snap = snapshot(tf.get_default_graph())
    d = dot.graph_to_dot(snap, expanded=dot.scopes_of(snap))
    assert d.count("{") == d.count("}") and d.count("cluster_scope") >= 600
    assert dot.graph_to_dot(snap, expanded=[]).count("box3d") == 1


def test_device_placement_is_shown_on_nodes():
    with tf.device("/gpu:0"):
        tf.constant(1.0, name="a")
    tf.constant(2.0, name="b")
    text = dot.graph_to_dot(tf.get_default_graph().get_operations())
    node_a = [ln for ln in text.splitlines() if 'tooltip="a (Const)' in ln][0]
    node_b = [ln for ln in text.splitlines() if 'tooltip="b (Const)' in ln][0]
    assert "@/gpu:0" in node_a and 'on /gpu:0"' in node_a and "@" not in node_b


def test_a_while_loop_is_one_collapsed_box_that_opens():
    i = tf.constant(0, name="i")
    out = tf.while_loop(lambda i: i < 10, lambda i: i + 1, [i])
    tf.identity(out, name="result")
    g = tf.get_default_graph()
    snap = snapshot(g)
    assert len(snap) <= declutter.SMALL_GRAPH and "while" not in declutter.default_expanded(snap)
    d = dot.graph_to_dot(g)
    assert re.search(r'id="scope:while", shape=box3d, [^]]*label="while/\\n\d+ ops"', d), d
    assert "cluster_scope:while" not in d and "op:while/add" not in d
    opened = dot.graph_to_dot(g, expanded=["while"])
    assert 'subgraph "cluster_scope:while"' in opened and 'id="op:while/Exit"' in opened

# The tensorflow.python.* module paths that library-style TF1 code imports.
import numpy as np
from tensorflow.python.client import session
from tensorflow.python.framework import constant_op, dtypes, errors, ops, tensor_shape
from tensorflow.python.ops import (array_ops, control_flow_ops, gradients, init_ops, math_ops, nn, nn_ops,
                                   random_ops, state_ops, variable_scope, variables)

with ops.Graph().as_default() as g:
    x = array_ops.placeholder(dtypes.float32, shape=tensor_shape.TensorShape([None, 2]), name="x")
    c = constant_op.constant([[1.0], [2.0]])
    with variable_scope.variable_scope("dense"):
        w = variable_scope.get_variable("w", [2, 1], initializer=init_ops.constant_initializer(0.5))
    y = nn_ops.relu(math_ops.matmul(x, w) + c[0])
    loss = math_ops.reduce_sum(math_ops.square(y))
    grad_w, = gradients.gradients(loss, [w])
    update = state_ops.assign_sub(w, 0.1 * grad_w)
    noise = random_ops.random_uniform([3], seed=1)
    check = control_flow_ops.group(update)
    print(x.name, y.op.type, grad_w.name, ops.get_default_graph() is g, tensor_shape.TensorShape([None, 2]))
    print(nn.softmax is nn_ops.softmax, dtypes.as_dtype(np.float64), variables.Variable.__name__)
    with session.Session() as sess:
        sess.run(variables.global_variables_initializer())
        print(sess.run(loss, {x: [[1., 2.]]}), sess.run(grad_w, {x: [[1., 2.]]}).ravel())
        sess.run(check, {x: [[1., 2.]]})
        print(np.round(sess.run(w).ravel(), 4), sess.run(noise).shape)
        try:
            sess.run(y)
        except errors.InvalidArgumentError as e:
            print(type(e).__name__, isinstance(e, errors.OpError))
ops.reset_default_graph()
print(len(ops.get_default_graph().get_operations()))

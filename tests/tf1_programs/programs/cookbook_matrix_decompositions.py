# Cookbook style: matrix decompositions (inverse, determinant, Cholesky, eigen) and a least-squares fit.
import numpy as np
import tensorflow as tf
from tensorflow.python.framework import ops
ops.reset_default_graph()

sess = tf.Session()


def r(v, n=4):
    return np.round(v, n) + 0.0   # + 0.0: no -0. from rounding tiny values


A = tf.constant([[4., 1., 2.], [1., 5., 3.], [2., 3., 6.]])
print(r(sess.run(tf.matrix_inverse(A)), 4))
print(r(sess.run(tf.matrix_determinant(A)), 3))
print(r(sess.run(tf.cholesky(A)), 4))
eigenvalues, eigenvectors = sess.run(tf.self_adjoint_eig(A))
print(r(eigenvalues))
print(np.allclose(np.dot(sess.run(A), eigenvectors), eigenvectors * eigenvalues, atol=1e-4))
print(r(sess.run(tf.self_adjoint_eigvals(A)), 4))
b = tf.constant([[1.], [2.], [3.]])
print(r(sess.run(tf.matrix_solve(A, b)), 4))
print(r(sess.run(tf.linalg.solve(A, b, adjoint=True)), 4))
batch = tf.constant(np.stack([np.eye(2) * 2., [[1., 2.], [3., 4.]]]))
print(r(sess.run(tf.linalg.det(batch)), 4), tf.linalg.inv(batch).shape)
print(sess.run(tf.cross([1., 0., 0.], [0., 1., 0.])))
print(sess.run(tf.floor_div(tf.constant([7, -7]), 2)), sess.run(tf.floor_div(7.5, 2.)))
scores = tf.constant([[0.1, 0.7, 0.2], [0.5, 0.3, 0.9]])
print(sess.run(tf.arg_max(scores, 1)), sess.run(tf.arg_min(scores, dimension=0)))
for t in (tf.matrix_inverse(A), tf.matrix_determinant(A), tf.cholesky(A), tf.self_adjoint_eig(A)[0], tf.cross(b[:, 0], b[:, 0])):
    print(t.name, t.op.type, t.shape)

try:
    sess.run(tf.matrix_inverse([[1., 2.], [2., 4.]]))
except tf.errors.InvalidArgumentError as e:
    print("InvalidArgumentError, not invertible:", "Input is not invertible." in e.message)
try:
    tf.matrix_inverse(tf.ones([2, 3]))
except ValueError as e:
    print("ValueError:", str(e).split(" for ")[0])

# least squares by the Cholesky decomposition of A^T A (the cookbook's "decomposition" regression)
x_vals = np.linspace(0, 10, 20)
y_vals = 2.0 * x_vals + 1.0 + np.sin(x_vals)
A_tensor = tf.constant(np.column_stack((x_vals, np.ones(20))))
y_tensor = tf.constant(np.transpose(np.matrix(y_vals)))
tA_A = tf.matmul(tf.transpose(A_tensor), A_tensor)
L = tf.cholesky(tA_A)
tA_y = tf.matmul(tf.transpose(A_tensor), y_tensor)
sol1 = tf.matrix_solve(L, tA_y)
sol2 = tf.matrix_solve(tf.transpose(L), sol1)
slope, intercept = sess.run(sol2)[:, 0]
print("slope", round(float(slope), 4), "intercept", round(float(intercept), 4))
inv_sol = sess.run(tf.matmul(tf.matrix_inverse(tA_A), tA_y))
print(r(inv_sol[:, 0]))

# gradients flow through the decompositions
M = tf.Variable([[3., 1.], [1., 2.]], dtype=tf.float64)
loss = tf.matrix_determinant(M) + tf.reduce_sum(tf.matrix_inverse(M)) + tf.reduce_sum(tf.self_adjoint_eigvals(M))
grad = tf.gradients(loss, M)[0]
sess.run(tf.global_variables_initializer())
print(r(sess.run(grad), 4))

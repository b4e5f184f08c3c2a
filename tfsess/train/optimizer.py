"""tf.train optimizers: minimize = compute_gradients (tf.gradients) + apply_gradients (update ops)."""
from __future__ import annotations

from ..framework import dtypes as _dtypes
from ..framework.graph import GraphKeys, Tensor, get_default_graph, convert_to_tensor
from ..ops.gradients import gradients
from ..ops.variables import Variable, assign, assign_add
from ..ops.variable_scope import variable_scope
from ..ops import array_ops as _a
from ..ops.control_flow_ops import group
from . import training_ops as _ops

__all__ = ["Optimizer", "GradientDescentOptimizer", "MomentumOptimizer", "AdamOptimizer",
           "AdagradOptimizer", "RMSPropOptimizer"]

_VALID_DTYPES = (_dtypes.float16, _dtypes.float32, _dtypes.float64)


class Optimizer:
    """Base class of TF1 optimizers (tf.train.Optimizer)."""

    GATE_NONE = 0
    GATE_OP = 1
    GATE_GRAPH = 2

    def __init__(self, use_locking, name):
        if not name:
            raise ValueError("Must specify the optimizer name")
        self._use_locking = use_locking
        self._name = name
        self._slots = {}
        self._non_slot_dict = {}

    def get_name(self) -> str:
        return self._name

    # --- the public API ------------------------------------------------------------------------
    def minimize(self, loss, global_step=None, var_list=None, gate_gradients=GATE_OP, aggregation_method=None,
                 colocate_gradients_with_ops=False, name=None, grad_loss=None):
        """Add ops that update `var_list` (default: trainable variables) to reduce `loss`."""
        grads_and_vars = self.compute_gradients(loss, var_list=var_list, gate_gradients=gate_gradients,
                                                aggregation_method=aggregation_method, grad_loss=grad_loss)
        vars_with_grad = [v for g, v in grads_and_vars if g is not None]
        if not vars_with_grad:
            raise ValueError("No gradients provided for any variable, check your graph for ops that do not support "
                             "gradients, between variables %s and loss %s."
                             % ([str(v) for _, v in grads_and_vars], loss))
        return self.apply_gradients(grads_and_vars, global_step=global_step, name=name)

    def compute_gradients(self, loss, var_list=None, gate_gradients=GATE_OP, aggregation_method=None,
                          colocate_gradients_with_ops=False, grad_loss=None):
        """A list of (gradient, variable) pairs; the gradient is None where loss does not depend on it."""
        if callable(loss):
            loss = loss()
        if not isinstance(loss, Tensor):
            loss = convert_to_tensor(loss)
        self._assert_valid_dtypes([loss])
        if var_list is None:
            var_list = get_default_graph().get_collection(GraphKeys.TRAINABLE_VARIABLES)
        else:
            var_list = list(var_list.values()) if isinstance(var_list, dict) else list(var_list)
        for v in var_list:
            if not isinstance(v, Variable):
                raise NotImplementedError("Trying to update a Tensor ", v)
        if not var_list:
            raise ValueError("No variables to optimize.")
        grads = gradients(loss, [v._ref() for v in var_list], grad_ys=grad_loss)
        pairs = list(zip(grads, var_list))
        self._assert_valid_dtypes([v for g, v in pairs if g is not None])
        return pairs

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        """Add the update ops; returns an op (a NoOp, or the global_step increment when given)."""
        grads_and_vars = tuple(grads_and_vars)
        if not grads_and_vars:
            raise ValueError("No variables provided.")
        converted = []
        for g, v in grads_and_vars:
            if g is not None and not isinstance(g, Tensor):
                g = convert_to_tensor(g)
            if not isinstance(v, Variable):
                raise NotImplementedError("Trying to update a Tensor ", v)
            converted.append((g, v))
        var_list = [v for g, v in converted if g is not None]
        if not var_list:
            raise ValueError("No gradients provided for any variable: %s." % ([str(v) for _, v in converted],))
        graph = var_list[0].graph
        with graph.init_scope():
            self._create_slots(var_list)
        from ..framework.graph import name_scope
        with name_scope(name, self._name) as scope:
            self._prepare()
            update_ops = []
            for g, v in converted:
                if g is None:
                    continue
                with graph.name_scope("update_" + v.op.name):
                    update_ops.append(self._apply_dense(g, v))
            if global_step is None:
                apply_updates = self._finish(update_ops, scope)
            else:
                with graph.control_dependencies([self._finish(update_ops, "update")]):
                    apply_updates = assign_add(global_step, 1, name=scope).op
            train_ops = graph.get_collection_ref(GraphKeys.TRAIN_OP)
            if apply_updates not in train_ops:
                train_ops.append(apply_updates)
        return apply_updates

    def get_slot(self, var, name):
        return self._slots.get(name, {}).get(var)

    def get_slot_names(self) -> list:
        return sorted(self._slots)

    def variables(self) -> list:
        out = list(self._non_slot_dict.values())
        for d in self._slots.values():
            out.extend(d.values())
        return sorted(out, key=lambda v: v.name)

    # --- hooks for subclasses -------------------------------------------------------------------
    def _create_slots(self, var_list):
        pass

    def _prepare(self):
        pass

    def _apply_dense(self, grad, var):
        raise NotImplementedError()

    def _finish(self, update_ops, name_scope):
        return group(*update_ops, name=name_scope)

    def _call_if_callable(self, x):
        return x() if callable(x) else x

    # --- slots -------------------------------------------------------------------------------------
    def _slot_variable(self, var, initializer_fn, slot_name, op_name):
        slots = self._slots.setdefault(slot_name, {})
        if var in slots:
            return slots[var]
        with var.graph.as_default(), var.graph.init_scope():
            with var.graph.name_scope(None):
                with variable_scope(None, default_name=var.op.name + "/" + op_name) as vs:
                    name = vs.name
            slot = Variable(initial_value=initializer_fn, name=name + "/", trainable=False)
        slots[var] = slot
        return slot

    def _zeros_slot(self, var, slot_name, op_name):
        shape = var.shape.as_list()
        dt = var.dtype.base_dtype

        return self._slot_variable(var, lambda: _a.zeros(shape, dtype=dt), slot_name, op_name)

    def _ones_slot(self, var, slot_name, op_name, value=1.0):
        shape = var.shape.as_list()
        dt = var.dtype.base_dtype
        return self._slot_variable(var, lambda: _a.constant(value, dtype=dt, shape=shape), slot_name, op_name)

    def _create_non_slot_variable(self, initial_value, name, colocate_with):
        g = colocate_with.graph
        key = (name, g)
        v = self._non_slot_dict.get(key)
        if v is None:
            with g.as_default(), g.init_scope(), g.name_scope(None):
                v = Variable(initial_value, name=name, trainable=False)
            self._non_slot_dict[key] = v
        return v

    def _get_non_slot_variable(self, name, graph=None):
        return self._non_slot_dict.get((name, graph or get_default_graph()))

    @staticmethod
    def _assert_valid_dtypes(tensors):
        for t in tensors:
            dt = t.dtype.base_dtype
            if dt not in _VALID_DTYPES:
                raise ValueError("Invalid type %r for %s, expected: %s."
                                 % (dt, t.name, "[tf.float32, tf.float64, tf.float16, tf.bfloat16]"))


def _lr_tensor(value, name):
    if isinstance(value, Tensor):
        return value
    if isinstance(value, Variable):
        return value.value()
    return convert_to_tensor(value, name=name)


class GradientDescentOptimizer(Optimizer):
    """var -= learning_rate * grad."""

    def __init__(self, learning_rate, use_locking=False, name="GradientDescent"):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate

    def _prepare(self):
        self._learning_rate_tensor = _lr_tensor(self._call_if_callable(self._learning_rate), "learning_rate")

    def _apply_dense(self, grad, var):
        return _ops.apply_gradient_descent(var, _a.cast(self._learning_rate_tensor, var.dtype.base_dtype), grad).op


class MomentumOptimizer(Optimizer):
    """accum = momentum * accum + grad; var -= learning_rate * accum (optionally Nesterov)."""

    def __init__(self, learning_rate, momentum, use_locking=False, name="Momentum", use_nesterov=False):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._momentum = momentum
        self._use_nesterov = use_nesterov

    def _create_slots(self, var_list):
        for v in var_list:
            self._zeros_slot(v, "momentum", self._name)

    def _prepare(self):
        self._learning_rate_tensor = _lr_tensor(self._call_if_callable(self._learning_rate), "learning_rate")
        self._momentum_tensor = _lr_tensor(self._call_if_callable(self._momentum), "momentum")

    def _apply_dense(self, grad, var):
        dt = var.dtype.base_dtype
        return _ops.apply_momentum(var, self.get_slot(var, "momentum"), _a.cast(self._learning_rate_tensor, dt), grad,
                                   _a.cast(self._momentum_tensor, dt), use_nesterov=self._use_nesterov).op


class AdamOptimizer(Optimizer):
    """Adam (Kingma & Ba): slots m and v per variable, beta1_power/beta2_power shared."""

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8, use_locking=False, name="Adam"):
        super().__init__(use_locking, name)
        self._lr, self._beta1, self._beta2, self._epsilon = learning_rate, beta1, beta2, epsilon

    def _get_beta_accumulators(self):
        g = get_default_graph()
        return self._get_non_slot_variable("beta1_power", g), self._get_non_slot_variable("beta2_power", g)

    def _create_slots(self, var_list):
        first = min(var_list, key=lambda x: x.name)
        self._create_non_slot_variable(initial_value=self._beta1, name="beta1_power", colocate_with=first)
        self._create_non_slot_variable(initial_value=self._beta2, name="beta2_power", colocate_with=first)
        for v in var_list:
            self._zeros_slot(v, "m", self._name)
            self._zeros_slot(v, "v", self._name)

    def _prepare(self):
        self._lr_t = _lr_tensor(self._call_if_callable(self._lr), "learning_rate")
        self._beta1_t = _lr_tensor(self._call_if_callable(self._beta1), "beta1")
        self._beta2_t = _lr_tensor(self._call_if_callable(self._beta2), "beta2")
        self._epsilon_t = _lr_tensor(self._call_if_callable(self._epsilon), "epsilon")

    def _apply_dense(self, grad, var):
        b1p, b2p = self._get_beta_accumulators()
        dt = var.dtype.base_dtype
        return _ops.apply_adam(var, self.get_slot(var, "m"), self.get_slot(var, "v"), _a.cast(b1p, dt),
                               _a.cast(b2p, dt), _a.cast(self._lr_t, dt), _a.cast(self._beta1_t, dt),
                               _a.cast(self._beta2_t, dt), _a.cast(self._epsilon_t, dt), grad).op

    def _finish(self, update_ops, name_scope):
        g = get_default_graph()
        with g.control_dependencies(update_ops):
            b1p, b2p = self._get_beta_accumulators()
            update_beta1 = assign(b1p, b1p * self._beta1_t)  # `*` as in TF: ops named Adam/mul, Adam/mul_1
            update_beta2 = assign(b2p, b2p * self._beta2_t)
        return group(*update_ops + [update_beta1, update_beta2], name=name_scope)


class AdagradOptimizer(Optimizer):
    """accum += grad^2; var -= learning_rate * grad / sqrt(accum)."""

    def __init__(self, learning_rate, initial_accumulator_value=0.1, use_locking=False, name="Adagrad"):
        if initial_accumulator_value <= 0.0:
            raise ValueError("initial_accumulator_value must be positive: %s" % initial_accumulator_value)
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._initial_accumulator_value = initial_accumulator_value

    def _create_slots(self, var_list):
        for v in var_list:
            self._ones_slot(v, "accumulator", self._name, self._initial_accumulator_value)

    def _prepare(self):
        self._learning_rate_tensor = _lr_tensor(self._call_if_callable(self._learning_rate), "learning_rate")

    def _apply_dense(self, grad, var):
        return _ops.apply_adagrad(var, self.get_slot(var, "accumulator"),
                                  _a.cast(self._learning_rate_tensor, var.dtype.base_dtype), grad).op


class RMSPropOptimizer(Optimizer):
    """RMSProp with momentum (and optionally centered), slots rms and momentum."""

    def __init__(self, learning_rate, decay=0.9, momentum=0.0, epsilon=1e-10, use_locking=False, centered=False,
                 name="RMSProp"):
        super().__init__(use_locking, name)
        self._learning_rate, self._decay, self._momentum, self._epsilon = learning_rate, decay, momentum, epsilon
        self._centered = centered

    def _create_slots(self, var_list):
        for v in var_list:
            self._ones_slot(v, "rms", self._name)
            if self._centered:
                self._zeros_slot(v, "mg", self._name)
            self._zeros_slot(v, "momentum", self._name)

    def _prepare(self):
        self._learning_rate_tensor = _lr_tensor(self._call_if_callable(self._learning_rate), "learning_rate")
        self._decay_tensor = _lr_tensor(self._call_if_callable(self._decay), "decay")
        self._momentum_tensor = _lr_tensor(self._call_if_callable(self._momentum), "momentum")
        self._epsilon_tensor = _lr_tensor(self._call_if_callable(self._epsilon), "epsilon")

    def _apply_dense(self, grad, var):
        dt = var.dtype.base_dtype
        args = [_a.cast(t, dt) for t in (self._learning_rate_tensor, self._decay_tensor, self._momentum_tensor,
                                          self._epsilon_tensor)]
        if self._centered:
            return _ops.apply_centered_rms_prop(var, self.get_slot(var, "mg"), self.get_slot(var, "rms"),
                                                self.get_slot(var, "momentum"), *args, grad).op
        return _ops.apply_rms_prop(var, self.get_slot(var, "rms"), self.get_slot(var, "momentum"), *args, grad).op

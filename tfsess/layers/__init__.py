"""tf.layers (TF1): dense, conv2d, pooling, dropout, flatten and batch_normalization, as functions and classes.

Variables get TF1's names and initializers (`dense/kernel:0` glorot-uniform, `dense/bias:0` zeros) through
tf.get_variable under a variable scope named after the layer, so `reuse=True` and enclosing
`tf.variable_scope(..., reuse=True)` share them as in TF. Batch normalization's moving-average updates
go to the UPDATE_OPS collection.
"""
from __future__ import annotations

import numpy as np

from ..framework import dtypes as _dtypes
from ..framework.graph import GraphKeys, Tensor, convert_to_tensor, get_default_graph, name_scope
from ..framework.opdef import constant_value
from ..ops.variable_scope import variable_scope, get_variable
from ..ops import init_ops as _init
from ..ops import array_ops as _a
from ..ops import math_ops as _m
from ..ops import nn_ops as _nn
from ..ops import nn_conv as _conv
from ..ops import nn_impl as _impl
from ..ops import variables as _vars

__all__ = ["Layer", "Dense", "Conv2D", "Conv2DTranspose", "conv2d_transpose", "MaxPooling2D", "AveragePooling2D", "Dropout", "Flatten",
           "BatchNormalization", "dense", "conv2d", "max_pooling2d", "average_pooling2d", "dropout", "flatten",
           "batch_normalization"]


def _static_bool(value):
    """True/False if `value` is a Python bool or a constant tensor; None if only known at run time."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return bool(value)
    if isinstance(value, Tensor):
        v = constant_value(value)
        return None if v is None else bool(v)
    if hasattr(value, "_as_graph_element"):
        return None
    raise TypeError("`training` must be a Python bool or a bool tensor, got %r" % (value,))


def _smart_cond(pred, true_fn, false_fn):
    """tf.cond when `pred` is only known at run time; otherwise just the chosen branch."""
    known = _static_bool(pred)
    if known is True:
        return true_fn()
    if known is False:
        return false_fn()
    from ..ops.control_flow_ops import cond
    return cond(pred, true_fn, false_fn)


def _pair(value, name):
    if isinstance(value, (int, np.integer)):
        return (int(value), int(value))
    value = tuple(int(v) for v in value)
    if len(value) != 2:
        raise ValueError("The `%s` argument must be a tuple of 2 integers. Received: %s" % (name, value))
    return value


def _padding(padding):
    p = str(padding).upper()
    if p not in ("SAME", "VALID"):
        raise ValueError("The `padding` argument must be one of 'valid', 'same'. Received: %s" % padding)
    return p


def _channels_last(data_format):
    if data_format in (None, "channels_last"):
        return True
    if data_format == "channels_first":
        raise ValueError("tfsess runs convolutions on the CPU, which supports data_format='channels_last' only "
                         "(TensorFlow's CPU kernels have the same limit)")
    raise ValueError("The `data_format` argument must be one of 'channels_first', 'channels_last'. "
                     "Received: %s" % (data_format,))


class Layer:
    """Base of tf.layers classes: a variable scope captured on first call, weights made by get_variable."""

    _base_name = "layer"

    def __init__(self, trainable=True, name=None, dtype=None, _reuse=None, **kwargs):
        self.trainable = trainable
        self._name = name
        self._dtype = None if dtype is None else _dtypes.as_dtype(dtype)
        self._reuse = _reuse
        self._scope = None
        self.built = False
        self._trainable_weights = []
        self._non_trainable_weights = []
        self._updates = []
        self.name = name if name is not None else self._base_name

    # --- weights -----------------------------------------------------------------------
    @property
    def dtype(self):
        return self._dtype

    @property
    def trainable_weights(self) -> list:
        return list(self._trainable_weights) if self.trainable else []

    @property
    def non_trainable_weights(self) -> list:
        if self.trainable:
            return list(self._non_trainable_weights)
        return list(self._trainable_weights) + list(self._non_trainable_weights)

    @property
    def weights(self) -> list:
        return self.trainable_weights + self.non_trainable_weights

    variables = weights
    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    @property
    def updates(self) -> list:
        return list(self._updates)

    @property
    def scope_name(self) -> str:
        return self._scope.name if self._scope is not None else None

    def add_weight(self, name, shape, dtype=None, initializer=None, regularizer=None, trainable=True,
                   constraint=None):
        """A variable `<scope>/<name>` from tf.get_variable (shared when the scope reuses)."""
        trainable = trainable and self.trainable
        v = get_variable(name, shape=shape, dtype=dtype or self._dtype or _dtypes.float32,
                         initializer=initializer, regularizer=regularizer, trainable=trainable,
                         constraint=constraint)
        (self._trainable_weights if trainable else self._non_trainable_weights).append(v)
        return v

    def add_update(self, updates):
        updates = list(updates) if isinstance(updates, (list, tuple)) else [updates]
        self._updates.extend(updates)
        g = get_default_graph()
        for u in updates:
            g.add_to_collection(GraphKeys.UPDATE_OPS, u)

    def build(self, input_shape):
        self.built = True

    def call(self, inputs, **kwargs):
        return inputs

    def compute_output_shape(self, input_shape):
        raise NotImplementedError

    # --- calling -------------------------------------------------------------------------
    def __call__(self, inputs, *args, **kwargs):
        if self._scope is None:
            with variable_scope(self._name, default_name=self._base_name, reuse=self._reuse) as scope:
                self._scope = scope
                self.name = scope.name.split("/")[-1]
                return self._build_and_call(inputs, *args, **kwargs)
        with variable_scope(self._scope, reuse=True, auxiliary_name_scope=False):
            with name_scope(self._scope.original_name_scope):
                return self._build_and_call(inputs, *args, **kwargs)

    def _build_and_call(self, inputs, *args, **kwargs):
        if not isinstance(inputs, Tensor):
            inputs = convert_to_tensor(inputs, dtype=self._dtype)
        if self._dtype is None:
            dt = inputs.dtype.base_dtype
            self._dtype = dt if dt.is_floating else _dtypes.float32
        if inputs.dtype.base_dtype.is_floating and inputs.dtype.base_dtype is not self._dtype:
            inputs = _a.cast(inputs, self._dtype)
        if not self.built:
            self.build(inputs.shape)
            self.built = True
        return self.call(inputs, *args, **kwargs)

    apply = __call__


class Dense(Layer):
    """outputs = activation(inputs @ kernel + bias)."""

    _base_name = "dense"

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer=None,
                 bias_initializer=_init.zeros_initializer(), kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, trainable=True,
                 name=None, **kwargs):
        super().__init__(trainable=trainable, name=name, **kwargs)
        self.units = int(units)
        self.activation = activation
        self.use_bias = use_bias
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer
        self.kernel_regularizer, self.bias_regularizer = kernel_regularizer, bias_regularizer
        self.activity_regularizer = activity_regularizer
        self.kernel_constraint, self.bias_constraint = kernel_constraint, bias_constraint

    def build(self, input_shape):
        last = input_shape.as_list()[-1] if input_shape.ndims else None
        if last is None:
            raise ValueError("The last dimension of the inputs to `Dense` should be defined. Found `None`.")
        self.kernel = self.add_weight("kernel", [last, self.units], initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self.bias = self.add_weight("bias", [self.units], initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint) if self.use_bias else None
        self.built = True

    def call(self, inputs):
        rank = inputs.shape.ndims
        if rank is not None and rank > 2:
            outputs = _m.tensordot(inputs, self.kernel, [[rank - 1], [0]])
            outputs.set_shape(inputs.shape.as_list()[:-1] + [self.units])
        else:
            outputs = _m.matmul(inputs, self.kernel)
        if self.use_bias:
            outputs = _nn.bias_add(outputs, self.bias)
        if self.activation is not None:
            outputs = self.activation(outputs)
        if self.activity_regularizer is not None:
            with name_scope("ActivityRegularizer"):
                get_default_graph().add_to_collection(GraphKeys.REGULARIZATION_LOSSES,
                                                      self.activity_regularizer(outputs))
        return outputs


class Conv2D(Layer):
    """2-D convolution (NHWC) with a [kh, kw, in, filters] kernel, a bias and an optional activation."""

    _base_name = "conv2d"

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format="channels_last",
                 dilation_rate=(1, 1), activation=None, use_bias=True, kernel_initializer=None,
                 bias_initializer=_init.zeros_initializer(), kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, trainable=True,
                 name=None, **kwargs):
        super().__init__(trainable=trainable, name=name, **kwargs)
        _channels_last(data_format)
        self.filters = int(filters)
        self.kernel_size = _pair(kernel_size, "kernel_size")
        self.strides = _pair(strides, "strides")
        self.padding = _padding(padding)
        self.dilation_rate = _pair(dilation_rate, "dilation_rate")
        self.activation, self.use_bias = activation, use_bias
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer
        self.kernel_regularizer, self.bias_regularizer = kernel_regularizer, bias_regularizer
        self.activity_regularizer = activity_regularizer
        self.kernel_constraint, self.bias_constraint = kernel_constraint, bias_constraint

    def build(self, input_shape):
        if input_shape.ndims != 4:
            raise ValueError("Input 0 of layer %s is incompatible with the layer: expected ndim=4, found ndim=%s. "
                             "Full shape received: %s" % (self.name, input_shape.ndims, input_shape))
        channels = input_shape.as_list()[-1]
        if channels is None:
            raise ValueError("The channel dimension of the inputs should be defined. Found `None`.")
        self.kernel = self.add_weight("kernel", list(self.kernel_size) + [channels, self.filters],
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.bias = self.add_weight("bias", [self.filters], initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint) if self.use_bias else None
        self.built = True

    def call(self, inputs):
        outputs = _conv.conv2d(inputs, self.kernel, strides=[1, self.strides[0], self.strides[1], 1],
                               padding=self.padding, dilations=[1, self.dilation_rate[0], self.dilation_rate[1], 1])
        if self.use_bias:
            outputs = _nn.bias_add(outputs, self.bias)
        if self.activation is not None:
            outputs = self.activation(outputs)
        return outputs


def _deconv_length(size, k, padding, stride):
    """Output length of a transposed convolution (TF's deconv_output_length)."""
    if size is None:
        return None
    if padding == "VALID":
        return size * stride + max(k - stride, 0)
    return size * stride


class Conv2DTranspose(Conv2D):
    """Transposed 2-D convolution ("deconvolution", NHWC): kernel [kh, kw, filters, in_channels]."""

    _base_name = "conv2d_transpose"

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format="channels_last",
                 activation=None, use_bias=True, kernel_initializer=None, bias_initializer=_init.zeros_initializer(),
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, trainable=True, name=None, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
                         activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
                         bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                         bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
                         kernel_constraint=kernel_constraint, bias_constraint=bias_constraint, trainable=trainable,
                         name=name, **kwargs)

    def build(self, input_shape):
        if input_shape.ndims != 4:
            raise ValueError("Inputs should have rank 4. Received input shape: " + str(input_shape))
        channels = input_shape.as_list()[-1]
        if channels is None:
            raise ValueError("The channel dimension of the inputs should be defined. Found `None`.")
        self.kernel = self.add_weight("kernel", list(self.kernel_size) + [self.filters, channels],
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.bias = self.add_weight("bias", [self.filters], initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint) if self.use_bias else None
        self.built = True

    def call(self, inputs):
        dims = inputs.shape.as_list()
        (kh, kw), (sh, sw) = self.kernel_size, self.strides
        dyn = _a.shape(inputs)
        size = []
        for i, (k, st) in zip((1, 2), ((kh, sh), (kw, sw))):
            n = _deconv_length(dims[i], k, self.padding, st)
            if n is None:
                d = dyn[i] * st
                n = d + max(k - st, 0) if self.padding == "VALID" else d
            size.append(n)
        batch = dims[0] if dims[0] is not None else dyn[0]
        out_shape = _a.stack([batch, size[0], size[1], self.filters])
        outputs = _conv.conv2d_transpose(inputs, self.kernel, out_shape, strides=[1, sh, sw, 1],
                                         padding=self.padding)
        outputs.set_shape([dims[0]] + [_deconv_length(dims[i], k, self.padding, st)
                                       for i, k, st in ((1, kh, sh), (2, kw, sw))] + [self.filters])
        if self.use_bias:
            outputs = _nn.bias_add(outputs, self.bias)
        if self.activation is not None:
            outputs = self.activation(outputs)
        return outputs


class _Pooling2D(Layer):
    _pool = None

    def __init__(self, pool_size, strides, padding="valid", data_format="channels_last", name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        _channels_last(data_format)
        self.pool_size = _pair(pool_size, "pool_size")
        self.strides = _pair(strides if strides is not None else pool_size, "strides")
        self.padding = _padding(padding)

    def call(self, inputs):
        return type(self)._pool(inputs, ksize=[1, self.pool_size[0], self.pool_size[1], 1],
                                strides=[1, self.strides[0], self.strides[1], 1], padding=self.padding)


class MaxPooling2D(_Pooling2D):
    """Max pooling over pool_size windows (NHWC)."""

    _base_name = "max_pooling2d"
    _pool = staticmethod(_conv.max_pool)


class AveragePooling2D(_Pooling2D):
    """Average pooling over pool_size windows (NHWC)."""

    _base_name = "average_pooling2d"
    _pool = staticmethod(_conv.avg_pool)


class Flatten(Layer):
    """Reshape to [batch, everything else]."""

    _base_name = "flatten"

    def __init__(self, data_format=None, name=None, **kwargs):
        super().__init__(name=name, **kwargs)

    def call(self, inputs):
        dims = inputs.shape.as_list() if inputs.shape.ndims is not None else None
        if dims is not None and len(dims) <= 1:
            return _a.expand_dims(inputs, 1)
        if dims is not None and all(d is not None for d in dims[1:]):
            rest = int(np.prod(dims[1:]))
            return _a.reshape(inputs, _a.constant([dims[0] if dims[0] is not None else -1, rest], _dtypes.int32))
        return _a.reshape(inputs, _a.stack([_a.shape(inputs)[0], -1]))


class Dropout(Layer):
    """Dropout with `rate` when `training` (a Python bool or a bool tensor), identity otherwise."""

    _base_name = "dropout"

    def __init__(self, rate=0.5, noise_shape=None, seed=None, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.rate, self.noise_shape, self.seed = rate, noise_shape, seed

    def call(self, inputs, training=False):
        return _smart_cond(training,
                           lambda: _impl.dropout(inputs, noise_shape=self.noise_shape, seed=self.seed, rate=self.rate),
                           lambda: _a.identity(inputs))


class BatchNormalization(Layer):
    """Batch normalization: batch statistics when training (moving averages updated via UPDATE_OPS),
    moving statistics otherwise. `training` may be a Python bool or a bool tensor."""

    _base_name = "batch_normalization"

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer=_init.zeros_initializer(), gamma_initializer=_init.ones_initializer(),
                 moving_mean_initializer=_init.zeros_initializer(),
                 moving_variance_initializer=_init.ones_initializer(), beta_regularizer=None, gamma_regularizer=None,
                 beta_constraint=None, gamma_constraint=None, renorm=False, renorm_clipping=None, renorm_momentum=0.99,
                 fused=None, trainable=True, virtual_batch_size=None, adjustment=None, name=None, **kwargs):
        super().__init__(trainable=trainable, name=name, **kwargs)
        if renorm or virtual_batch_size is not None or adjustment is not None:
            raise ValueError("tfsess's batch_normalization does not implement renorm, virtual_batch_size or "
                             "adjustment")
        self.axis = axis
        self.momentum, self.epsilon, self.center, self.scale = momentum, epsilon, center, scale
        self.beta_initializer, self.gamma_initializer = beta_initializer, gamma_initializer
        self.moving_mean_initializer = moving_mean_initializer
        self.moving_variance_initializer = moving_variance_initializer
        self.beta_regularizer, self.gamma_regularizer = beta_regularizer, gamma_regularizer
        self.beta_constraint, self.gamma_constraint = beta_constraint, gamma_constraint
        self.fused = fused

    def build(self, input_shape):
        ndims = input_shape.ndims
        if ndims is None:
            raise ValueError("Input has undefined rank.")
        axis = self.axis if isinstance(self.axis, int) else self.axis[0]
        if axis < 0:
            axis += ndims
        if not 0 <= axis < ndims:
            raise ValueError("Invalid axis: %s" % (self.axis,))
        self._axis = axis
        size = input_shape.as_list()[axis]
        if size is None:
            raise ValueError("Input has undefined `axis` dimension. Received input with shape %s. Axis value: %s"
                             % (input_shape, self.axis))
        # TF uses its fused kernel for 4-D inputs normalized over channels; that kernel feeds the moving
        # variance with the unbiased batch variance (Bessel's correction), the non-fused path with the biased one.
        self._fused = self.fused is not False and ndims == 4 and axis in (1, 3)
        param_dtype = _dtypes.float32 if self._dtype is _dtypes.float16 else self._dtype
        self.gamma = self.add_weight("gamma", [size], dtype=param_dtype, initializer=self.gamma_initializer,
                                     regularizer=self.gamma_regularizer,
                                     constraint=self.gamma_constraint) if self.scale else None
        self.beta = self.add_weight("beta", [size], dtype=param_dtype, initializer=self.beta_initializer,
                                    regularizer=self.beta_regularizer,
                                    constraint=self.beta_constraint) if self.center else None
        self.moving_mean = self.add_weight("moving_mean", [size], dtype=param_dtype,
                                           initializer=self.moving_mean_initializer, trainable=False)
        self.moving_variance = self.add_weight("moving_variance", [size], dtype=param_dtype,
                                               initializer=self.moving_variance_initializer, trainable=False)
        self.built = True

    def _broadcast(self, v, ndims):
        if v is None or self._axis == ndims - 1:
            return v
        shape = [1] * ndims
        shape[self._axis] = -1
        return _a.reshape(v, shape)

    def _assign_moving_average(self, variable, value, momentum):
        with name_scope("AssignMovingAvg") as scope:
            decay = 1.0 - momentum
            delta = (variable.value() - _a.cast(value, variable.dtype.base_dtype)) * decay
            return _vars.assign_sub(variable, delta, name=scope)

    def call(self, inputs, training=False):
        ndims = inputs.shape.ndims
        axes = [i for i in range(ndims) if i != self._axis]
        gamma, beta = self._broadcast(self.gamma, ndims), self._broadcast(self.beta, ndims)
        mm, mv = self._broadcast(self.moving_mean.value(), ndims), self._broadcast(self.moving_variance.value(),
                                                                                   ndims)
        known = _static_bool(training)

        def normalize(mean, variance):
            return _impl.batch_normalization(inputs, mean, variance, beta, gamma, self.epsilon)

        def batch_stats():
            mean, variance = _nn.moments(inputs, axes, keep_dims=False)
            return mean, variance

        if known is False:
            return normalize(mm, mv)

        def train_branch():
            mean, variance = batch_stats()
            return [normalize(self._broadcast(mean, ndims), self._broadcast(variance, ndims)), mean, variance]

        def infer_branch():
            return [normalize(mm, mv), self.moving_mean.value(), self.moving_variance.value()]

        outputs, mean, variance = _smart_cond(training, train_branch, infer_branch)
        if self._fused:
            n = _a.cast(_m.truediv(_a.size(inputs), _a.size(variance)), variance.dtype.base_dtype)
            variance = _m.multiply(variance, _m.truediv(n, _m.maximum(_m.subtract(n, 1.0), 1.0)))
        momentum = _smart_cond(training, lambda: _a.constant(self.momentum, dtype=self.moving_mean.dtype.base_dtype),
                               lambda: _a.constant(1.0, dtype=self.moving_mean.dtype.base_dtype))
        self.add_update([self._assign_moving_average(self.moving_mean, mean, momentum),
                         self._assign_moving_average(self.moving_variance, variance, momentum)])
        return outputs


# ======================================================================================
# Functional interface
# ======================================================================================

def dense(inputs, units, activation=None, use_bias=True, kernel_initializer=None,
          bias_initializer=_init.zeros_initializer(), kernel_regularizer=None, bias_regularizer=None,
          activity_regularizer=None, kernel_constraint=None, bias_constraint=None, trainable=True, name=None,
          reuse=None) -> Tensor:
    """Densely-connected layer: activation(inputs @ kernel + bias) (tf.layers.dense)."""
    layer = Dense(units, activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
                  bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                  bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
                  kernel_constraint=kernel_constraint, bias_constraint=bias_constraint, trainable=trainable,
                  name=name, _reuse=reuse)
    return layer(inputs)


def conv2d(inputs, filters, kernel_size, strides=(1, 1), padding="valid", data_format="channels_last",
           dilation_rate=(1, 1), activation=None, use_bias=True, kernel_initializer=None,
           bias_initializer=_init.zeros_initializer(), kernel_regularizer=None, bias_regularizer=None,
           activity_regularizer=None, kernel_constraint=None, bias_constraint=None, trainable=True, name=None,
           reuse=None) -> Tensor:
    """2-D convolution layer (tf.layers.conv2d)."""
    layer = Conv2D(filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
                   dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
                   kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                   kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                   activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
                   bias_constraint=bias_constraint, trainable=trainable, name=name, _reuse=reuse)
    return layer(inputs)


def conv2d_transpose(inputs, filters, kernel_size, strides=(1, 1), padding="valid", data_format="channels_last",
                     activation=None, use_bias=True, kernel_initializer=None,
                     bias_initializer=_init.zeros_initializer(), kernel_regularizer=None, bias_regularizer=None,
                     activity_regularizer=None, kernel_constraint=None, bias_constraint=None, trainable=True,
                     name=None, reuse=None) -> Tensor:
    """Transposed 2-D convolution layer (tf.layers.conv2d_transpose), as DCGAN generators use it."""
    layer = Conv2DTranspose(filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
                            activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
                            bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                            bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
                            kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
                            trainable=trainable, name=name, _reuse=reuse)
    return layer(inputs)


def max_pooling2d(inputs, pool_size, strides, padding="valid", data_format="channels_last", name=None) -> Tensor:
    """Max pooling layer (tf.layers.max_pooling2d)."""
    return MaxPooling2D(pool_size, strides, padding=padding, data_format=data_format, name=name)(inputs)


def average_pooling2d(inputs, pool_size, strides, padding="valid", data_format="channels_last",
                      name=None) -> Tensor:
    """Average pooling layer (tf.layers.average_pooling2d)."""
    return AveragePooling2D(pool_size, strides, padding=padding, data_format=data_format, name=name)(inputs)


def flatten(inputs, name=None, data_format="channels_last") -> Tensor:
    """Flatten all but the first (batch) dimension (tf.layers.flatten)."""
    return Flatten(name=name)(inputs)


def dropout(inputs, rate=0.5, noise_shape=None, seed=None, training=False, name=None) -> Tensor:
    """Dropout applied only when `training` is true (tf.layers.dropout)."""
    return Dropout(rate, noise_shape=noise_shape, seed=seed, name=name)(inputs, training=training)


def batch_normalization(inputs, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                        beta_initializer=_init.zeros_initializer(), gamma_initializer=_init.ones_initializer(),
                        moving_mean_initializer=_init.zeros_initializer(),
                        moving_variance_initializer=_init.ones_initializer(), beta_regularizer=None,
                        gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, training=False,
                        trainable=True, name=None, reuse=None, renorm=False, renorm_clipping=None,
                        renorm_momentum=0.99, fused=None, virtual_batch_size=None, adjustment=None) -> Tensor:
    """Batch normalization layer (tf.layers.batch_normalization); run UPDATE_OPS with the train op."""
    layer = BatchNormalization(axis=axis, momentum=momentum, epsilon=epsilon, center=center, scale=scale,
                               beta_initializer=beta_initializer, gamma_initializer=gamma_initializer,
                               moving_mean_initializer=moving_mean_initializer,
                               moving_variance_initializer=moving_variance_initializer,
                               beta_regularizer=beta_regularizer, gamma_regularizer=gamma_regularizer,
                               beta_constraint=beta_constraint, gamma_constraint=gamma_constraint, renorm=renorm,
                               fused=fused, trainable=trainable, virtual_batch_size=virtual_batch_size,
                               adjustment=adjustment, name=name, _reuse=reuse)
    return layer(inputs, training=training)

# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Week 2: MLP, backpropagation from scratch, and convolution as a matrix
# In the first part you write the building blocks of a multilayer perceptron in plain numpy
# (float64, CPU): every layer has a `forward` that remembers what it needs and a `backward` that
# turns the gradient of the loss with respect to its output (`delta`) into the gradient with
# respect to its input, storing the gradients of its parameters on the way. No autograd allowed:
# this is the chain rule by hand. Convention: a linear layer computes `x @ W + b` with `W` of
# shape `(F_in, F_out)` (rows of `x` are samples).
#
# Inputs are never modified in place: every function and method of this week leaves its arguments
# as it got them (work on copies or with out-of-place operations).
#
# In the second part you write a 2-D convolution (a cross-correlation, as in PyTorch) as one big
# sparse matrix acting on the flattened image, use it to convolve a batch, and write max pooling;
# both commute with translations, which the grader checks.
#
# Check your work with `ml4p check week02`.
#
# The torch exercises are also graded on a GPU, emulated where the machine has none: there a tensor
# made without the input's device (make it with `device=x.device`, `x.new_zeros(...)` or
# `torch.zeros_like(x)`), a `.numpy()` or `.cpu()` round trip, or a float32 constant in float64
# work (`torch.tensor(0.1)` without `dtype=x.dtype`) costs the devices share of the points.

# %%
"""Week 2 exercises: numpy backpropagation and convolution as a sparse matrix."""

from __future__ import annotations

import numpy as np
import torch

# %% [markdown]
# ## Backpropagation in numpy
# Training a network means computing the gradient of a scalar loss with respect to millions of
# parameters. Backpropagation does it at the cost of about two forward passes by applying the
# chain rule layer by layer, from the loss back to the input: each layer receives
# `delta = dL/d(output)` and returns `dL/d(input)`. The same bookkeeping is what `torch.autograd`
# does for you from week 3 on; here you do it yourself, which is also how you learn to debug it.
#
# All classes work on float64 numpy arrays of shape `(B, F)` (a batch of `B` samples). The grader
# calls every method under `np.errstate(over="raise", invalid="raise", divide="raise")`, also with
# inputs of size 1000, and checks that no input (`x`, `delta`, targets, parameters) is modified.
# **Forbidden in this part: `torch`, autograd of any kind, `jax`.**


# %% [markdown]
# ### Linear layer
# The affine map `y = x W + b` holds all the parameters of an MLP. Its backward pass gives the
# gradients of the parameters, `dW = x^T delta` and `db = sum_b delta`, and passes `delta W^T` on
# to the layer below. The gradient of a weight is the product of what came in (`x`) and what came
# back (`delta`).


# %%
class Linear:
    """Affine layer ``y = x @ W + b``; exercise ``week02_mlp_cnn.Linear``.

    Convention: ``W`` has shape ``(F_in, F_out)``, ``b`` has shape ``(F_out,)``; rows of ``x``
    are samples. After ``backward``, ``self.grads`` is ``[dL/dW, dL/db]``.
    Forbidden: torch, autograd of any kind, jax (plain numpy only).
    """

    def __init__(self, W: np.ndarray, b: np.ndarray) -> None:
        self.W = W
        self.b = b
        self.grads: list[np.ndarray] | None = None

    @property
    def params(self) -> list[np.ndarray]:
        """The parameters ``[W, b]``, in the order of ``self.grads``."""
        return [self.W, self.b]

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Compute ``x @ W + b`` and remember ``x`` for the backward pass.

        Exercise ``week02_mlp_cnn.Linear``.

        Args:
            x: input, shape ``(B, F_in)``, float64.
        Returns:
            ``x @ W + b``, shape ``(B, F_out)``, float64.
        Do not modify ``x`` in place.
        """
        ### BEGIN SOLUTION
        self.x = x
        return x @ self.W + self.b
        ### END SOLUTION

    def backward(self, delta: np.ndarray) -> np.ndarray:
        """Store ``self.grads = [dW, db]`` and return the gradient with respect to the input.

        Exercise ``week02_mlp_cnn.Linear``.

        Math (``delta = dL/dy``, ``y = x W + b``):
            dW = x^T delta,   db = sum_b delta[b, :],   dL/dx = delta W^T
        Args:
            delta: ``dL/dy``, shape ``(B, F_out)``, float64.
        Returns:
            ``dL/dx``, shape ``(B, F_in)``, float64.
        Overwrite ``self.grads`` (do not accumulate): calling ``backward`` twice with the same
        ``delta`` leaves the same gradients. Do not modify ``delta`` in place.
        """
        ### BEGIN SOLUTION
        self.grads = [self.x.T @ delta, delta.sum(axis=0)]
        return delta @ self.W.T
        ### END SOLUTION


# %% [markdown]
# ### Sigmoid
# `sigma(x) = 1 / (1 + exp(-x))`, the logistic function of a two-state system (the Fermi function
# at energy `-x` in units of `kT`). Its derivative is `y (1 - y)`, written with the output. Written
# naively it overflows for large negative `x`: `exp(1000)` is `inf`.


# %%
class Sigmoid:
    """Elementwise logistic function; exercise ``week02_mlp_cnn.Sigmoid``.

    Forbidden: torch, autograd of any kind, jax (plain numpy only).
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Compute ``sigmoid(x) = 1 / (1 + exp(-x))`` elementwise without overflow.

        Exercise ``week02_mlp_cnn.Sigmoid``.

        Args:
            x: input, any shape, float64.
        Returns:
            ``sigmoid(x)``, same shape, float64, values in ``[0, 1]``.
        Numerics:
            Must not overflow, divide by zero or produce NaN under
            ``np.errstate(over="raise", invalid="raise", divide="raise")`` for ``|x|`` up to 1000.
            ``1 / (1 + np.exp(-x))`` overflows for ``x = -1000``, and ``np.where`` evaluates both
            branches. Use ``0.5 * (1 + tanh(x / 2))`` or a form that only ever evaluates
            ``exp(-|x|)``.
        Do not modify ``x`` in place.
        """
        ### BEGIN SOLUTION
        decay = np.exp(-np.abs(x))
        self.y = np.where(x >= 0, 1.0, decay) / (1.0 + decay)
        return self.y
        ### END SOLUTION

    def backward(self, delta: np.ndarray) -> np.ndarray:
        """Return ``delta * y * (1 - y)`` with ``y = sigmoid(x)`` from the forward pass.

        Exercise ``week02_mlp_cnn.Sigmoid``.

        Args:
            delta: ``dL/dy``, same shape as the forward input, float64.
        Returns:
            ``dL/dx``, same shape, float64.
        Do not modify ``delta`` in place.
        """
        ### BEGIN SOLUTION
        return delta * self.y * (1.0 - self.y)
        ### END SOLUTION


# %% [markdown]
# ### Tanh
# `tanh(x)`, the magnetization `m = tanh(beta h)` of a free spin in a field: odd, saturating at
# `+-1`, with derivative `1 - y^2`. It is the hidden activation of `mlp_loss_and_grads` below.


# %%
class Tanh:
    """Elementwise hyperbolic tangent; exercise ``week02_mlp_cnn.Tanh``.

    Forbidden: torch, autograd of any kind, jax (plain numpy only).
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Compute ``tanh(x)`` elementwise and remember what the backward pass needs.

        Exercise ``week02_mlp_cnn.Tanh``.

        Args:
            x: input, any shape, float64.
        Returns:
            ``tanh(x)``, same shape, float64.
        Numerics:
            Must not overflow or produce NaN under
            ``np.errstate(over="raise", invalid="raise", divide="raise")`` for ``|x|`` up to 1000.
        Do not modify ``x`` in place.
        """
        ### BEGIN SOLUTION
        self.y = np.tanh(x)
        return self.y
        ### END SOLUTION

    def backward(self, delta: np.ndarray) -> np.ndarray:
        """Return ``delta * (1 - y**2)`` with ``y = tanh(x)`` from the forward pass.

        Exercise ``week02_mlp_cnn.Tanh``.

        Args:
            delta: ``dL/dy``, same shape as the forward input, float64.
        Returns:
            ``dL/dx``, same shape, float64.
        Do not modify ``delta`` in place.
        """
        ### BEGIN SOLUTION
        return delta * (1.0 - self.y**2)
        ### END SOLUTION


# %% [markdown]
# ### ReLU
# `max(0, x)`: the identity for positive inputs and zero otherwise, so its gradient passes `delta`
# where `x > 0` and blocks it elsewhere (the derivative at exactly 0 is taken as 0).


# %%
class ReLU:
    """Elementwise rectifier ``max(x, 0)``; exercise ``week02_mlp_cnn.ReLU``.

    Forbidden: torch, autograd of any kind, jax (plain numpy only).
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Compute ``max(x, 0)`` elementwise and remember what the backward pass needs.

        Exercise ``week02_mlp_cnn.ReLU``.

        Args:
            x: input, any shape, float64.
        Returns:
            ``max(x, 0)``, same shape, float64.
        Numerics:
            Must not overflow or produce NaN under
            ``np.errstate(over="raise", invalid="raise", divide="raise")`` for ``|x|`` up to 1000.
        Do not modify ``x`` in place.
        """
        ### BEGIN SOLUTION
        self.active = x > 0
        return np.where(self.active, x, 0.0)
        ### END SOLUTION

    def backward(self, delta: np.ndarray) -> np.ndarray:
        """Return ``delta`` where ``x > 0`` and 0 elsewhere (derivative 0 at ``x = 0``).

        Exercise ``week02_mlp_cnn.ReLU``.

        Args:
            delta: ``dL/dy``, same shape as the forward input, float64.
        Returns:
            ``dL/dx``, same shape, float64.
        Do not modify ``delta`` in place (``delta[x <= 0] = 0`` does): return a new array.
        """
        ### BEGIN SOLUTION
        return np.where(self.active, delta, 0.0)
        ### END SOLUTION


# %% [markdown]
# ### Softmax
# The softmax turns scores into Boltzmann weights `p_i = exp(z_i) / sum_j exp(z_j)`. Every output
# depends on every input, so its Jacobian is not diagonal: `dp_i/dz_j = p_i (delta_ij - p_j)`, and
# the backward pass is `delta * y - y * sum(delta * y)` along the axis.


# %%
class Softmax:
    """Softmax along one axis; exercise ``week02_mlp_cnn.Softmax``.

    ``y = softmax(x)`` along ``axis`` (default the last): every slice along ``axis`` is turned into
    probabilities. A layer of its own, for when the probabilities themselves are needed (attention
    weights, a mixture); before a cross-entropy use the fused ``SoftmaxCrossEntropy``.
    Forbidden: torch, autograd of any kind, jax (plain numpy only).
    """

    def __init__(self, axis: int = -1) -> None:
        self.axis = axis

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Compute ``softmax(x)`` along ``self.axis`` and remember what the backward pass needs.

        Exercise ``week02_mlp_cnn.Softmax``.

        Math (``m`` the maximum of the slice along ``axis``):
            y_c = exp(x_c - m) / sum_j exp(x_j - m)
        Args:
            x: input, any shape with at least one axis, float64.
        Returns:
            ``y``, same shape, float64; every slice along ``self.axis`` is non-negative and sums
            to 1.
        Numerics:
            Must not overflow, divide by zero or produce NaN under
            ``np.errstate(over="raise", invalid="raise", divide="raise")`` for entries of size 1000
            (a slice of all -1000 included): subtract the maximum of each slice, not of the whole
            array.
        Properties the grader checks:
            The output and ``dL/dx`` against the reference (``torch.softmax`` and autograd),
            ``axis=0``, ``axis=1`` and negative axes included; every slice sums to 1.
        Do not modify ``x`` in place.
        """
        ### BEGIN SOLUTION
        shifted = x - x.max(axis=self.axis, keepdims=True)
        exps = np.exp(shifted)
        self.y = exps / exps.sum(axis=self.axis, keepdims=True)
        return self.y
        ### END SOLUTION

    def backward(self, delta: np.ndarray) -> np.ndarray:
        """Return ``dL/dx = delta * y - y * sum(delta * y)``, the sum along ``self.axis``.

        Exercise ``week02_mlp_cnn.Softmax``.

        Math (the Jacobian ``dy_c/dx_k = y_c (1[c = k] - y_k)`` is not diagonal: every output of a
        slice depends on every input of that slice):
            dL/dx_k = sum_c delta_c y_c (1[c = k] - y_k) = y_k (delta_k - sum_c delta_c y_c)
        Args:
            delta: ``dL/dy``, same shape as the forward input, float64.
        Returns:
            ``dL/dx``, same shape, float64 (each slice along ``axis`` sums to 0).
        Do not modify ``delta`` in place.
        """
        ### BEGIN SOLUTION
        weighted = delta * self.y
        return weighted - self.y * weighted.sum(axis=self.axis, keepdims=True)
        ### END SOLUTION


# %% [markdown]
# ### Mean
# A loss is a single number: `Mean` averages each sample over all its entries, and its backward
# pass spreads each sample's `delta` equally over the `N` entries it averaged, `delta / N`.


# %%
class Mean:
    """The mean of every sample's entries; exercise ``week02_mlp_cnn.Mean``.

    ``forward(x)`` reduces every axis but the first (the batch axis) to its mean, one number per
    sample. It has the interface of a loss of ``Sequential`` (``forward(h) -> (B,)``,
    ``backward(delta[B]) -> dL/dh``), so ``Sequential(layers, Mean())`` computes the mean of all
    entries of the network's output, and ``backward`` there seeds ``delta = ones(B) / B``.
    Forbidden: torch, autograd of any kind, jax (plain numpy only).
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Return the mean of each sample's entries, shape ``(B,)``.

        Exercise ``week02_mlp_cnn.Mean``.

        Math (``N`` = number of entries of one sample, ``x[b].size``):
            out_b = (1/N) sum_{i} x[b, i...]
        Args:
            x: input, shape ``(B, ...)`` with at least one axis after the batch axis, float64.
        Returns:
            Shape ``(B,)``, float64 (never averaged over the batch: that is ``Sequential``'s job).
        Do not modify ``x`` in place.
        """
        ### BEGIN SOLUTION
        self.shape = x.shape
        return x.reshape(x.shape[0], -1).mean(axis=1)
        ### END SOLUTION

    def backward(self, delta: np.ndarray) -> np.ndarray:
        """Spread ``delta[b] / N`` over the ``N`` entries of sample ``b``.

        Exercise ``week02_mlp_cnn.Mean``.

        Math:
            dL/dx[b, i...] = delta_b / N   (every entry contributes 1/N of the sample's mean)
        Args:
            delta: ``dL/d out``, shape ``(B,)``, float64.
        Returns:
            ``dL/dx``, shape of the forward input ``(B, ...)``, float64.
        Properties the grader checks:
            The output and ``dL/dx`` against the reference (autograd of ``torch.mean``), on 2-d,
            3-d and 4-d inputs, a single sample and a single entry per sample; each sample's
            ``dL/dx`` sums to ``delta_b``.
        Do not modify ``delta`` in place.
        """
        ### BEGIN SOLUTION
        n_entries = int(np.prod(self.shape[1:]))
        per_entry = (delta / n_entries).reshape(-1, *[1] * (len(self.shape) - 1))
        return np.broadcast_to(per_entry, self.shape).copy()
        ### END SOLUTION


# %% [markdown]
# ### Softmax cross-entropy
# The classification loss `-sum_i p_i log softmax(z)_i`, the relative entropy of the target
# distribution and the model's Boltzmann weights up to a constant. Fused with the softmax, its
# gradient is simply `softmax(z) - p`, and it never takes the log of a probability that rounds to 0.


# %%
class SoftmaxCrossEntropy:
    """Softmax followed by cross-entropy, fused; exercise ``week02_mlp_cnn.SoftmaxCrossEntropy``.

    Per sample: ``loss_b = -sum_c p_bc log softmax(z_b)_c`` for logits ``z`` and target
    probabilities ``p`` (one-hot rows, or any rows that sum to 1).
    Forbidden: torch, autograd of any kind, jax (plain numpy only).
    """

    def forward(self, logits: np.ndarray, target_onehot: np.ndarray) -> np.ndarray:
        """Compute the per-sample cross-entropy of ``softmax(logits)`` against the targets.

        Exercise ``week02_mlp_cnn.SoftmaxCrossEntropy``.

        Math:
            log softmax(z)_c = (z_c - m) - log sum_j exp(z_j - m),  m = max_j z_j
            loss_b = -sum_c p_bc log softmax(z_b)_c
        Args:
            logits: ``z``, shape ``(B, C)``, float64.
            target_onehot: ``p``, shape ``(B, C)``, float64, rows sum to 1.
        Returns:
            Per-sample loss, shape ``(B,)``, float64 (not averaged).
        Numerics:
            Must stay finite, without overflow, division by zero or NaN, under
            ``np.errstate(over="raise", invalid="raise", divide="raise")`` for logits of size 1000,
            also when the target class has probability ``exp(-2000)`` (never take ``log`` of a
            softmax: use the log-sum-exp form above).
        Do not modify the inputs in place.
        """
        ### BEGIN SOLUTION
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        self.probs = np.exp(log_probs)
        self.target = target_onehot
        return -(target_onehot * log_probs).sum(axis=1)
        ### END SOLUTION

    def backward(self, delta: np.ndarray) -> np.ndarray:
        """Return ``(softmax(z) - p) * delta[:, None]``, the gradient with respect to the logits.

        Exercise ``week02_mlp_cnn.SoftmaxCrossEntropy``.

        Args:
            delta: ``dL/d loss_b``, shape ``(B,)``, float64 (``1/B`` for a batch mean).
        Returns:
            ``dL/dz``, shape ``(B, C)``, float64.
        Do not modify ``delta`` in place.
        """
        ### BEGIN SOLUTION
        return (self.probs - self.target) * delta[:, None]
        ### END SOLUTION


# %% [markdown]
# ### Sequential
# A network is a chain of layers followed by a loss. Its forward pass runs the layers in order; its
# backward pass starts from `dL/dL = 1` and runs the chain rule through the layers in reverse.


# %%
class Sequential:
    """A chain of layers followed by a loss; exercise ``week02_mlp_cnn.Sequential``.

    ``layers`` are objects with ``forward(x)`` and ``backward(delta)`` (e.g. ``Linear``, ``Tanh``);
    ``loss`` has ``forward(h, *loss_args) -> (B,)`` and ``backward(delta[B]) -> dL/dh``
    (e.g. ``SoftmaxCrossEntropy``). The network's loss is the mean of the per-sample losses.
    Forbidden: torch, autograd of any kind, jax (plain numpy only).
    """

    def __init__(self, layers: list, loss: object) -> None:
        self.layers = layers
        self.loss = loss

    def forward(self, x: np.ndarray, *loss_args: np.ndarray) -> float:
        """Run the layers and the loss and return the mean loss over the batch.

        Exercise ``week02_mlp_cnn.Sequential``.

        Math:
            h = layer_n(... layer_1(x)),  L = (1/B) sum_b loss.forward(h, *loss_args)_b
        Args:
            x: input, shape ``(B, F_in)``, float64.
            loss_args: passed on to ``loss.forward`` after ``h`` (e.g. the one-hot targets).
        Returns:
            ``L`` as a Python float.
        Do not modify the inputs in place.
        """
        ### BEGIN SOLUTION
        h = x
        for layer in self.layers:
            h = layer.forward(h)
        per_sample = self.loss.forward(h, *loss_args)
        self.batch_size = per_sample.shape[0]
        return float(per_sample.mean())
        ### END SOLUTION

    def backward(self) -> np.ndarray:
        """Backpropagate the mean loss through the loss and the layers; return ``dL/dx``.

        Exercise ``week02_mlp_cnn.Sequential``.

        Seeds ``delta = ones(B) / B`` (the derivative of the batch mean with respect to each
        per-sample loss), calls ``loss.backward`` and then every layer's ``backward`` in reverse
        order; each layer stores its own parameter gradients. Calling ``backward`` again after the
        same ``forward`` gives the same result (leave ``self.layers`` as it is: no in-place
        ``reverse()``).
        Returns:
            ``dL/dx``, shape ``(B, F_in)``, float64.
        """
        ### BEGIN SOLUTION
        delta = self.loss.backward(np.full(self.batch_size, 1.0 / self.batch_size))
        for layer in reversed(self.layers):
            delta = layer.backward(delta)
        return delta
        ### END SOLUTION


# %% [markdown]
# ### The loss and gradients of an MLP
# Everything together: tanh hidden layers, a softmax cross-entropy output, the mean over the batch,
# and the gradients of every weight and bias, as `torch.autograd` would give them.


# %%
def mlp_loss_and_grads(
    params: list[tuple[np.ndarray, np.ndarray]], x: np.ndarray, y_onehot: np.ndarray
) -> tuple[float, list[tuple[np.ndarray, np.ndarray]]]:
    """Compute the mean softmax cross-entropy of a tanh MLP and its parameter gradients.

    Exercise ``week02_mlp_cnn.mlp_loss_and_grads``.

    Math:
        h_0 = x,  h_k = tanh(h_{k-1} W_k + b_k) for k < n,  z = h_{n-1} W_n + b_n,
        L = (1/B) sum_b -sum_c p_bc log softmax(z_b)_c
    Args:
        params: ``[(W_1, b_1), ..., (W_n, b_n)]``, ``W_k`` of shape ``(F_{k-1}, F_k)``, ``b_k`` of
            shape ``(F_k,)``, float64. The last layer is linear (no tanh); ``n = 1`` is allowed.
        x: input, shape ``(B, F_0)``, float64.
        y_onehot: target probabilities ``p``, shape ``(B, F_n)``, float64, rows sum to 1.
    Returns:
        ``(L, [(dL/dW_1, dL/db_1), ..., (dL/dW_n, dL/db_n)])``: ``L`` a Python float, gradients
        float64 arrays with the shapes of the parameters.
    Numerics:
        Must stay finite under ``np.errstate(over="raise", invalid="raise", divide="raise")``, also
        with saturated tanh units (``|z|`` of 100) and logits about 1000 apart.
    Allowed: the classes above. Forbidden: torch, autograd of any kind, jax.
    Do not modify the inputs in place.
    """
    ### BEGIN SOLUTION
    linears = [Linear(W, b) for W, b in params]
    layers = []
    for linear in linears[:-1]:
        layers += [linear, Tanh()]
    net = Sequential([*layers, linears[-1]], SoftmaxCrossEntropy())
    loss = net.forward(x, y_onehot)
    net.backward()
    return loss, [(linear.grads[0], linear.grads[1]) for linear in linears]
    ### END SOLUTION


# %% [markdown]
# ## Convolution as a sparse matrix
# A convolutional layer is a linear map, so it is a matrix acting on the flattened image. That
# matrix is huge but almost empty: each output pixel sees only `K_h * K_w` input pixels per
# channel, and the same weights repeat along the diagonals (a doubly-block Toeplitz matrix for
# zero padding, doubly-block circulant for periodic padding, the natural choice on a torus
# such as a lattice with periodic boundary conditions). Building it makes weight sharing and
# translation equivariance concrete.


# %%
def _pair(value: int | tuple[int, int]) -> tuple[int, int]:
    """Return ``(value, value)`` for an int and the pair itself otherwise (given helper)."""
    return (value, value) if isinstance(value, int) else (int(value[0]), int(value[1]))


def _output_size(size: int, kernel: int, stride: int, padding: int, dilation: int) -> int:
    """``floor((size + 2 padding - dilation (kernel - 1) - 1) / stride) + 1``, the length of a
    convolution's output along one axis (given helper)."""
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


# %% [markdown]
# ### The convolution matrix
# Row `(mu, i, j)` of the matrix is output pixel `(i, j)` of output channel `mu`; its nonzeros are the
# kernel taps that land inside the (padded) image. Store only those: the matrix of a 128 x 128 image
# would take 1 GiB dense.


# %%
def conv2d_sparse_matrix(
    weight: torch.Tensor,
    in_hw: tuple[int, int],
    stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] = 0,
    dilation: int | tuple[int, int] = 1,
    padding_mode: str = "zeros",
) -> torch.Tensor:
    r"""Build the sparse matrix ``M`` of a 2-D convolution acting on a flattened image.

    Exercise ``week02_mlp_cnn.conv2d_sparse_matrix``.

    Math (cross-correlation, as ``torch.nn.functional.conv2d``; S stride, P padding, D dilation):
        y[mu, i, j] = sum_{nu, m, n} W[mu, nu, m, n] * x[nu, r, c],
        r = i*S_h - P_h + m*D_h,  c = j*S_w - P_w + n*D_w   (the kernel is not flipped)
        H_out = floor((H + 2 P_h - D_h (K_h - 1) - 1) / S_h) + 1   (the same for W_out)
        row index (mu * H_out + i) * W_out + j,  column index (nu * H + r) * W + c
        (C order, so ``M @ x.reshape(-1)`` equals ``conv(x).reshape(-1)`` for one image).
    Padding:
        ``"zeros"``: taps that fall outside the image are omitted (no entry at all).
        ``"circular"``: the input is periodic, ``r -> r mod H`` and ``c -> c mod W``
        (any padding, even larger than the image); taps that wrap onto the same input pixel are
        merged into one entry holding the sum of their weights.
    Args:
        weight: ``(C_out, C_in, K_h, K_w)``, float32 or float64, any device.
        in_hw: ``(H, W)``, the input image size.
        stride, padding, dilation: an int or a pair ``(for H, for W)``.
        padding_mode: ``"zeros"`` or ``"circular"``.
    Returns:
        A sparse tensor (a ``torch.Tensor`` in COO layout, coalesced, or in CSR layout) of shape
        ``(C_out*H_out*W_out, C_in*H*W)`` with the dtype and device of ``weight``. A dense
        (strided) matrix fails every case, however right its numbers.
        - It holds exactly the structural nonzeros: one entry per (output pixel, input pixel)
          pair connected by at least one tap, even when the weight there is exactly 0 (never
          derive the sparsity pattern from the values). So its nnz is exactly
          ``C_out*C_in*(sum_i n_h(i))*(sum_j n_w(j))`` with
          ``n_h(i) = #{m < K_h : 0 <= i*S_h - P_h + m*D_h < H}`` (zeros), or with
          ``n_h(i) = #distinct (i*S_h - P_h + m*D_h) mod H`` (circular); the same for ``n_w``.
        - It is a valid sparse tensor: every index inside the shape (build it with
          ``torch.sparse_coo_tensor(indices, values, size, check_invariants=True)``, which
          checks this); the grader cannot read one that is not.
        - Its values are differentiable with respect to ``weight`` (take them from ``weight`` by
          indexing): the gradient of ``M @ x`` w.r.t. ``weight`` is checked.
    Examples (from the slides, checked exactly):
        ``[[w1, w2], [w3, w4]]`` on a 3x3 image gives the 4x9 matrix
        ``[[w1,w2,0,w3,w4,0,0,0,0], [0,w1,w2,0,w3,w4,0,0,0], [0,0,0,w1,w2,0,w3,w4,0],
        [0,0,0,0,w1,w2,0,w3,w4]]``; the kernel ``[[0,1,2],[2,2,0],[0,1,2]]`` on the image
        ``[[3,3,2,1,0],[0,0,1,3,1],[3,1,2,2,3],[2,0,0,2,2],[2,0,0,0,1]]`` gives
        ``M @ x = [[12,12,17],[10,17,19],[9,6,14]]`` (flattened).
    Cost:
        Never build a dense matrix: a 1x1x128x128 input with a 3x3 kernel has a 16384 x 16384
        matrix (1 GiB dense) but fewer than 150k nonzeros; that case is graded too.
    Allowed: ``torch.arange``, integer arithmetic, indexing, ``torch.sparse_coo_tensor`` (pass
    ``check_invariants=True`` explicitly, which also silences a torch warning), ``coalesce``,
    ``Tensor.to_sparse_csr``.
    Forbidden, whatever name reaches them (aliases, ``getattr``, ``torch.ops.aten``): any
    built-in convolution (``torch.nn.functional.conv2d``, ``torch.conv2d``,
    ``torch.nn.Conv2d``, ...), unfolding (``torch.nn.functional.unfold``, ``torch.nn.Unfold``),
    ``Tensor.to_dense``, ``Tensor.to_sparse`` (and ``to_sparse_coo``). A forbidden call scores 0.
    Do not modify ``weight`` in place.
    """
    ### BEGIN SOLUTION
    if padding_mode not in ("zeros", "circular"):
        raise ValueError(f"padding_mode must be 'zeros' or 'circular', got {padding_mode!r}")
    c_out, c_in, k_h, k_w = weight.shape
    height, width = in_hw
    device = weight.device
    axes = []
    for n_in, k, s, p, d in zip(
        in_hw, (k_h, k_w), _pair(stride), _pair(padding), _pair(dilation), strict=True
    ):
        n_out = (n_in + 2 * p - d * (k - 1) - 1) // s + 1
        if n_out < 1:
            raise ValueError("the kernel does not fit into the padded input")
        out_idx = torch.arange(n_out, device=device).repeat_interleave(k)
        tap_idx = torch.arange(k, device=device).repeat(n_out)
        in_idx = out_idx * s - p + tap_idx * d
        if padding_mode == "circular":
            in_idx = in_idx % n_in
        else:
            inside = (in_idx >= 0) & (in_idx < n_in)
            out_idx, tap_idx, in_idx = out_idx[inside], tap_idx[inside], in_idx[inside]
        axes.append((n_out, out_idx, tap_idx, in_idx))
    (h_out, i, m, r), (w_out, j, n, c) = axes
    mu = torch.arange(c_out, device=device)[:, None, None, None]
    nu = torch.arange(c_in, device=device)[None, :, None, None]
    rows = (mu * h_out + i[:, None]) * w_out + j
    cols = (nu * height + r[:, None]) * width + c
    rows, cols = torch.broadcast_tensors(rows, cols)
    values = weight[:, :, m[:, None], n]
    matrix = torch.sparse_coo_tensor(
        torch.stack([rows.reshape(-1), cols.reshape(-1)]),
        values.reshape(-1),
        size=(c_out * h_out * w_out, c_in * height * width),
        check_invariants=True,
    )
    return matrix.coalesce()
    ### END SOLUTION


# %% [markdown]
# ### Convolving a batch with the matrix
# One matrix product convolves a whole batch: flatten each image, multiply, add the bias and
# reshape. With periodic padding and stride 1 the result commutes with every translation of the
# image, the lattice symmetry that makes convolutions the natural layer for fields on a torus.


# %%
def conv2d_via_matrix(
    x: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor | None = None,
    stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] = 0,
    dilation: int | tuple[int, int] = 1,
    padding_mode: str = "zeros",
) -> torch.Tensor:
    r"""Convolve a batch of images by multiplying with the sparse matrix of the convolution.

    Exercise ``week02_mlp_cnn.conv2d_via_matrix``.

    Math:
        out[b] = (M @ x[b].reshape(-1)).reshape(C_out, H_out, W_out) + bias[:, None, None]
        with ``M = conv2d_sparse_matrix(weight, (H, W), stride, padding, dilation, padding_mode)``:
        ``M`` acts on one image per column, ``x.reshape(B, -1).T`` (``x.reshape(-1, B)`` would
        mix the images).
    Args:
        x: ``(B, C_in, H, W)``, float32 or float64, any device (same dtype and device as
            ``weight``).
        weight: ``(C_out, C_in, K_h, K_w)``.
        bias: ``(C_out,)`` or ``None`` (then no bias is added).
        stride, padding, dilation, padding_mode: as in ``conv2d_sparse_matrix``.
    Returns:
        ``(B, C_out, H_out, W_out)``, an ordinary (strided) tensor with the dtype and device of
        ``x``, equal to ``torch.nn.functional.conv2d`` (after periodic padding for
        ``"circular"``); differentiable with respect to ``x``, ``weight`` and ``bias`` (all three
        gradients are checked). The slide example (see ``conv2d_sparse_matrix``) is checked
        exactly.
    Properties the grader checks (translation equivariance, ``roll`` over the last two axes by
    ``s = (s_h, s_w)``):
        - circular padding, stride 1, output the size of the input: for any shift,
          ``conv(roll(x, s)) == roll(conv(x), s)``;
        - circular padding, stride 2, input sizes twice the output sizes: for even shifts,
          ``conv(roll(x, s)) == roll(conv(x), s / 2)`` (odd shifts are not equivariant);
        - zero padding, stride 1, output the size of the input: equal away from the border, i.e.
          at every output pixel whose window (rows ``i - P + m*D``, columns likewise) lies inside
          the rolled image and on one side of the seam where the roll wrapped it.
    Allowed: ``conv2d_sparse_matrix``, reshapes, and the sparse-dense product either as
    ``torch.sparse.mm`` or as a gather-scatter over ``M.indices()`` and ``M.values()`` with
    ``index_add``. (The backward of ``torch.sparse.mm`` with respect to a COO matrix forms a dense
    ``(C_out*H_out*W_out, C_in*H*W)`` product, 1 GiB for a 128x128 image; the gather-scatter keeps
    the weight gradient sparse.)
    Forbidden, as in ``conv2d_sparse_matrix`` and whatever name reaches them: any built-in
    convolution or unfolding, ``Tensor.to_dense``, ``Tensor.to_sparse``. A forbidden call scores 0.
    Do not modify the inputs in place.
    """
    ### BEGIN SOLUTION
    batch, _, height, width = x.shape
    c_out, _, k_h, k_w = weight.shape
    h_out, w_out = (
        (n + 2 * p - d * (k - 1) - 1) // s + 1
        for n, k, s, p, d in zip(
            (height, width), (k_h, k_w), _pair(stride), _pair(padding), _pair(dilation), strict=True
        )
    )
    matrix = conv2d_sparse_matrix(weight, (height, width), stride, padding, dilation, padding_mode)
    rows, cols = matrix.indices()
    products = matrix.values()[:, None] * x.flatten(1).T[cols]
    out = x.new_zeros(matrix.shape[0], batch).index_add(0, rows, products)
    out = out.T.reshape(batch, c_out, h_out, w_out)
    if bias is not None:
        out = out + bias[:, None, None]
    return out
    ### END SOLUTION


# %% [markdown]
# ## Max pooling
# A pooling layer summarises each `K x K` window of a feature map by its largest entry and moves
# the window by the stride `S` (by default `S = K`, non-overlapping windows as in PyTorch). It
# shrinks the map, keeps the strongest response of each region and makes the network insensitive
# to small shifts. Like a convolution it commutes with translations, but only with shifts by a
# multiple of the stride: the windows must land on windows again.


# %%
def maxpool2d(
    x: torch.Tensor,
    kernel_size: int | tuple[int, int],
    stride: int | tuple[int, int] | None = None,
) -> torch.Tensor:
    r"""Max pooling over ``K_h x K_w`` windows moved by the stride, per image and channel.

    Exercise ``week02_mlp_cnn.maxpool2d``.

    Math (no padding, remainder rows and columns dropped as ``ceil_mode=False``):
        y[b, c, i, j] = max_{0 <= m < K_h, 0 <= n < K_w} x[b, c, i*S_h + m, j*S_w + n]
        H_out = floor((H - K_h) / S_h) + 1   (the same for W_out)
    Args:
        x: ``(B, C, H, W)``, float32 or float64, any device, ``H >= K_h`` and ``W >= K_w``.
        kernel_size: ``K``, an int or a pair ``(K_h, K_w)``.
        stride: ``S``, an int, a pair ``(S_h, S_w)`` or ``None`` (the default), which means
            ``S = K`` (non-overlapping windows).
    Returns:
        ``(B, C, H_out, W_out)`` with the dtype and device of ``x``; differentiable with respect
        to ``x``: the gradient of each window goes to its largest entry (the grader's inputs have
        no ties).
    Example (from the slides): ``[[0, 1, 2], [3, 4, 5], [6, 7, 8]]`` with ``K = 2``, ``S = 1``
    gives ``[[4, 5], [7, 8]]``.
    Properties the grader checks:
        Values and the gradient w.r.t. ``x`` against ``torch.nn.functional.max_pool2d``, in float32
        and float64: the default stride, stride 1, overlapping windows (``S < K``), pairs,
        remainders dropped, all-negative inputs (a maximum started at 0 fails), a single window.
        Equivariance: on images whose sizes are multiples of the stride, with ``K = S``, pooling
        the image rolled by a multiple of the stride, ``s = S*t``, gives the pooled image rolled
        by ``t``: ``maxpool(roll(x, S*t)) == roll(maxpool(x), t)``.
    Allowed: slicing, ``Tensor.unfold``, ``torch.maximum``, ``amax``/``max`` over dimensions,
    reshapes. Forbidden, whatever name reaches them (aliases, ``getattr``, ``torch.ops.aten``):
    every built-in max pooling (``torch.nn.functional.max_pool2d``, ``torch.max_pool2d``,
    ``torch.nn.MaxPool2d``, ``max_pool2d_with_indices``, the 1-d and 3-d, adaptive and fractional
    max poolings). A forbidden call scores 0.
    Do not modify ``x`` in place.
    """
    ### BEGIN SOLUTION
    (k_h, k_w) = _pair(kernel_size)
    (s_h, s_w) = (k_h, k_w) if stride is None else _pair(stride)
    h_out = (x.shape[-2] - k_h) // s_h + 1
    w_out = (x.shape[-1] - k_w) // s_w + 1
    out = None
    for m in range(k_h):
        for n in range(k_w):
            window_entry = x[..., m::s_h, n::s_w][..., :h_out, :w_out]
            out = window_entry if out is None else torch.maximum(out, window_entry)
    return out
    ### END SOLUTION

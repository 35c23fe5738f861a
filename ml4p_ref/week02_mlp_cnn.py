"""Hidden reference for week 2: numpy backprop layers and convolution as a sparse matrix.

The backprop classes keep the numpy interface of the exercise but evaluate every layer with torch
in float64 and take every gradient from ``torch.autograd``. The convolution matrix is read off
``torch.nn.functional.unfold`` applied to an image of pixel indices; the convolution itself is
``torch.nn.functional.conv2d``.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F


def _tensor(array: np.ndarray) -> torch.Tensor:
    """Copy a numpy array into a float64 CPU tensor."""
    return torch.tensor(np.asarray(array), dtype=torch.float64)


class _AutogradLayer:
    """A layer ``y = fn(x, *params)`` evaluated with torch and differentiated with autograd."""

    @property
    def params(self) -> list[np.ndarray]:
        return []

    def _fn(self, x: torch.Tensor, *params: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._x = np.array(x, dtype=np.float64)
        with torch.no_grad():
            return self._fn(_tensor(x), *map(_tensor, self.params)).numpy()

    def backward(self, delta: np.ndarray) -> np.ndarray:
        leaves = [_tensor(a).requires_grad_() for a in (self._x, *self.params)]
        grads = torch.autograd.grad(self._fn(*leaves), leaves, grad_outputs=_tensor(delta))
        self.grads = [g.numpy() for g in grads[1:]]
        return grads[0].numpy()


class Linear(_AutogradLayer):
    """Reference for week02_mlp_cnn.Linear: ``x @ W + b``, gradients by torch autograd."""

    def __init__(self, W: np.ndarray, b: np.ndarray) -> None:
        self.W = W
        self.b = b
        self.grads: list[np.ndarray] | None = None

    @property
    def params(self) -> list[np.ndarray]:
        return [self.W, self.b]

    def _fn(self, x: torch.Tensor, *params: torch.Tensor) -> torch.Tensor:
        weight, bias = params
        return x @ weight + bias


class Sigmoid(_AutogradLayer):
    """Reference for week02_mlp_cnn.Sigmoid: ``torch.sigmoid``."""

    def _fn(self, x: torch.Tensor, *params: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(x)


class Tanh(_AutogradLayer):
    """Reference for week02_mlp_cnn.Tanh: ``torch.tanh``."""

    def _fn(self, x: torch.Tensor, *params: torch.Tensor) -> torch.Tensor:
        return torch.tanh(x)


class ReLU(_AutogradLayer):
    """Reference for week02_mlp_cnn.ReLU: ``torch.relu`` (derivative 0 at 0)."""

    def _fn(self, x: torch.Tensor, *params: torch.Tensor) -> torch.Tensor:
        return torch.relu(x)


class Softmax(_AutogradLayer):
    """Reference for week02_mlp_cnn.Softmax: ``torch.softmax`` along ``axis``."""

    def __init__(self, axis: int = -1) -> None:
        self.axis = axis

    def _fn(self, x: torch.Tensor, *params: torch.Tensor) -> torch.Tensor:
        return torch.softmax(x, dim=self.axis)


class Mean(_AutogradLayer):
    """Reference for week02_mlp_cnn.Mean: ``torch.mean`` over every axis but the batch axis."""

    def _fn(self, x: torch.Tensor, *params: torch.Tensor) -> torch.Tensor:
        return torch.mean(x, dim=tuple(range(1, x.dim())))


class SoftmaxCrossEntropy:
    """Reference for week02_mlp_cnn.SoftmaxCrossEntropy: ``F.cross_entropy`` with soft targets."""

    def forward(self, logits: np.ndarray, target_onehot: np.ndarray) -> np.ndarray:
        self._logits = np.array(logits, dtype=np.float64)
        self._target = _tensor(target_onehot)
        with torch.no_grad():
            return F.cross_entropy(_tensor(logits), self._target, reduction="none").numpy()

    def backward(self, delta: np.ndarray) -> np.ndarray:
        logits = _tensor(self._logits).requires_grad_()
        loss = F.cross_entropy(logits, self._target, reduction="none")
        (grad,) = torch.autograd.grad(loss, logits, grad_outputs=_tensor(delta))
        return grad.numpy()


class Sequential:
    """Reference for week02_mlp_cnn.Sequential: layers, loss, batch mean; backward seeds 1/B."""

    def __init__(self, layers: list, loss: object) -> None:
        self.layers = layers
        self.loss = loss

    def forward(self, x: np.ndarray, *loss_args: np.ndarray) -> float:
        for layer in self.layers:
            x = layer.forward(x)
        per_sample = self.loss.forward(x, *loss_args)
        self._batch = len(per_sample)
        return float(np.mean(per_sample))

    def backward(self) -> np.ndarray:
        delta = self.loss.backward(np.full(self._batch, 1.0 / self._batch))
        for layer in self.layers[::-1]:
            delta = layer.backward(delta)
        return delta


def mlp_loss_and_grads(
    params: list[tuple[np.ndarray, np.ndarray]], x: np.ndarray, y_onehot: np.ndarray
) -> tuple[float, list[tuple[np.ndarray, np.ndarray]]]:
    """Reference for week02_mlp_cnn.mlp_loss_and_grads: a torch tanh MLP and torch.autograd."""
    leaves = [_tensor(a).requires_grad_() for pair in params for a in pair]
    h = _tensor(x)
    for layer in range(len(params)):
        h = h @ leaves[2 * layer] + leaves[2 * layer + 1]
        if layer < len(params) - 1:
            h = torch.tanh(h)
    loss = F.cross_entropy(h, _tensor(y_onehot))
    grads = [g.numpy() for g in torch.autograd.grad(loss, leaves)]
    return float(loss.detach()), list(zip(grads[::2], grads[1::2], strict=True))


def _pair(value: int | tuple[int, int]) -> tuple[int, int]:
    return (value, value) if isinstance(value, int) else (int(value[0]), int(value[1]))


def _circular_pad(x: torch.Tensor, padding: int | tuple[int, int]) -> torch.Tensor:
    """Periodic padding of the last two dims by index wrapping (any size, unlike ``F.pad``)."""
    pad_h, pad_w = _pair(padding)
    height, width = x.shape[-2:]
    rows = torch.arange(-pad_h, height + pad_h, device=x.device) % height
    cols = torch.arange(-pad_w, width + pad_w, device=x.device) % width
    return x[..., rows, :][..., cols]


def _output_size(size: int, kernel: int, stride: int, padding: int, dilation: int) -> int:
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def _tap_sources(
    c_in: int, kernel_hw: tuple[int, int], in_hw: tuple[int, int], conv_args: dict, circular: bool
) -> torch.Tensor:
    """Flat input index read by every (tap, output pixel) pair, -1 for a zero-padding tap.

    Returns an int64 tensor of shape ``(C_in*K_h*K_w, H_out*W_out)`` (``F.unfold`` order).
    """
    index_image = torch.arange(1, c_in * in_hw[0] * in_hw[1] + 1, dtype=torch.float64)
    index_image = index_image.reshape(1, c_in, *in_hw)
    if circular:
        index_image = _circular_pad(index_image, conv_args["padding"])
        conv_args = {**conv_args, "padding": 0}
    patches = F.unfold(index_image, kernel_hw, **conv_args)
    return patches[0].round().long() - 1


def conv2d_sparse_matrix(
    weight: torch.Tensor,
    in_hw: tuple[int, int],
    stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] = 0,
    dilation: int | tuple[int, int] = 1,
    padding_mode: str = "zeros",
) -> torch.Tensor:
    """Reference for week02_mlp_cnn.conv2d_sparse_matrix: the pattern from ``F.unfold``.

    The sparsity pattern comes from unfolding an image of pixel indices (never from the weight
    values); the values are gathered from ``weight`` and summed by ``coalesce`` where circular taps
    wrap onto the same pixel.
    """
    if padding_mode not in ("zeros", "circular"):
        raise ValueError(f"unknown padding_mode {padding_mode!r}")
    c_out, c_in, k_h, k_w = weight.shape
    conv_args = {"stride": stride, "padding": padding, "dilation": dilation}
    sources = _tap_sources(c_in, (k_h, k_w), tuple(in_hw), conv_args, padding_mode == "circular")
    sources = sources.to(weight.device)
    n_taps, n_pixels = sources.shape
    out_hw = [
        _output_size(*args)
        for args in zip(
            in_hw, (k_h, k_w), _pair(stride), _pair(padding), _pair(dilation), strict=True
        )
    ]
    assert out_hw[0] * out_hw[1] == n_pixels
    rows = torch.arange(c_out * n_pixels, device=weight.device).reshape(c_out, 1, n_pixels)
    rows, cols = torch.broadcast_tensors(rows, sources[None])
    values = weight.reshape(c_out, n_taps, 1).expand(c_out, n_taps, n_pixels)
    keep = cols >= 0
    matrix = torch.sparse_coo_tensor(
        torch.stack([rows[keep], cols[keep]]),
        values[keep],
        size=(c_out * n_pixels, c_in * in_hw[0] * in_hw[1]),
        check_invariants=True,
    )
    return matrix.coalesce()


def conv2d_via_matrix(
    x: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor | None = None,
    stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] = 0,
    dilation: int | tuple[int, int] = 1,
    padding_mode: str = "zeros",
) -> torch.Tensor:
    """Reference for week02_mlp_cnn.conv2d_via_matrix: ``F.conv2d`` (after periodic padding)."""
    if padding_mode == "circular":
        x, padding = _circular_pad(x, padding), 0
    elif padding_mode != "zeros":
        raise ValueError(f"unknown padding_mode {padding_mode!r}")
    return F.conv2d(x, weight, bias, stride=stride, padding=padding, dilation=dilation)


def maxpool2d(
    x: torch.Tensor,
    kernel_size: int | tuple[int, int],
    stride: int | tuple[int, int] | None = None,
) -> torch.Tensor:
    """Reference for week02_mlp_cnn.maxpool2d: ``F.max_pool2d`` (stride ``None`` means the kernel)."""
    return F.max_pool2d(x, kernel_size, stride)

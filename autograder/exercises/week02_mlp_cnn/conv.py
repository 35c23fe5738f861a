"""Week 2 checks, convolution part: ``conv2d_sparse_matrix`` and ``conv2d_via_matrix``.

Oracle: ``ml4p_ref.week02_mlp_cnn``, whose sparsity pattern is read off ``F.unfold`` of an image of
pixel indices and whose convolution is ``F.conv2d`` (after periodic padding by index wrapping).

``conv2d_sparse_matrix``: the probe observes the student's matrix itself (layout: any sparse layout
is accepted, a dense one is not; shape, dtype, device; the dense values, taken by the grader outside
the student's call), whether a COO matrix is coalesced, its nnz (exact; a property also checks the
curriculum's formula ``C_out*C_in*(sum_i n_h(i))*(sum_j n_w(j))``), ``M @ x`` for a random ``x``
and the gradient of ``sum(c * (M @ x))`` with respect to ``weight`` (through the sparse values).
Cases: the two slide goldens (curriculum 2.2 a, b), stride > 1 with floor output sizes, H != W,
padding, dilation, per-axis pairs, multi-channel, zero weights (structural nonzeros must stay),
circular padding with wrapped taps merged (kernel larger than the image), float32 and float64, and
a 1x1x128x128 image with a 3x3 kernel where only the shape, a corner of the matrix, nnz and
``M @ x`` are observed (a dense 16384 x 16384 matrix fails the layout check).

``conv2d_via_matrix``: output and gradients with respect to ``x``, ``weight`` and ``bias`` against
``F.conv2d``; circular padding; ``bias=None``; the slide golden; translation equivariance on the
torus (curriculum 2.4): ``conv(roll(x)) == roll(conv(x))`` for circular padding and stride 1.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import torch
import torch.nn.functional as F

from autograder.case import Case, CaseRng, Property, in_dtypes
from autograder.exercise import Exercise, Hint
from autograder.probe import ProbeContext, vjp

MODULE = "week02_mlp_cnn"
CONV_ARGS = ("stride", "padding", "dilation", "padding_mode")
FORBIDDEN = (
    "torch.conv2d",
    "torch.nn.functional.conv2d",
    "torch.nn.Conv2d",
    "torch.nn.functional.unfold",
    "torch.nn.Unfold",
    "torch.Tensor.to_dense",
    "torch.Tensor.to_sparse",
)
SPARSE_LAYOUTS = (torch.sparse_coo, torch.sparse_csr, torch.sparse_csc, torch.sparse_bsr)
LARGE_CROP = (256, 512)  # rows and columns of the large matrix whose values are compared

INDEX_HINT = (
    "row (mu*H_out + i)*W_out + j reads column (nu*H + r)*W + c with r = i*S - P + m*D, "
    "c = j*S - P + n*D (cross-correlation: the kernel is not flipped)"
)
SIZE_HINT = "H_out = floor((H + 2P - D*(K - 1) - 1) / S) + 1, and the same for W_out"
NNZ_ZEROS = "C_out*C_in*(sum_i n_h(i))*(sum_j n_w(j)), n_h(i) = #{m < K_h : 0 <= i*S - P + m*D < H}"
NNZ_CIRCULAR = (
    "C_out*C_in*(sum_i #distinct (i*S - P + m*D) mod H)*(sum_j #distinct (j*S - P + n*D) mod W)"
)


# ----------------------------------------------------------------------------------------- geometry
class Conv(NamedTuple):
    """One convolution configuration (what a case passes besides the tensors)."""

    c_out: int
    c_in: int
    in_hw: tuple[int, int]
    kernel: tuple[int, int]
    stride: int | tuple[int, int] = 1
    padding: int | tuple[int, int] = 0
    dilation: int | tuple[int, int] = 1
    padding_mode: str = "zeros"

    def kwargs(self) -> dict[str, Any]:
        """The keyword arguments that differ from the defaults (so the defaults get exercised)."""
        defaults = {"stride": 1, "padding": 0, "dilation": 1, "padding_mode": "zeros"}
        values = {name: getattr(self, name) for name in CONV_ARGS}
        return {name: value for name, value in values.items() if value != defaults[name]}


def _pair(value: int | tuple[int, int]) -> tuple[int, int]:
    return (value, value) if isinstance(value, int) else (int(value[0]), int(value[1]))


def _out_size(size: int, kernel: int, stride: int, padding: int, dilation: int) -> int:
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def _geometry(inputs: dict[str, Any]) -> dict[str, Any]:
    """Sizes of one case: channels, image, kernel, output, per-axis arguments and padding mode."""
    c_out, c_in, k_h, k_w = inputs["weight"].shape
    height, width = inputs["in_hw"] if "in_hw" in inputs else inputs["x"].shape[-2:]
    stride, padding, dilation = (
        _pair(inputs.get(name, default))
        for name, default in (("stride", 1), ("padding", 0), ("dilation", 1))
    )
    axes = list(zip((height, width), (k_h, k_w), stride, padding, dilation, strict=True))
    return {
        "c_out": c_out,
        "c_in": c_in,
        "in_hw": (height, width),
        "out_hw": tuple(_out_size(*axis) for axis in axes),
        "axes": axes,
        "circular": inputs.get("padding_mode", "zeros") == "circular",
    }


def _nnz_formula(inputs: dict[str, Any]) -> int:
    """Curriculum 2.2(c): exactly the (output pixel, input pixel) pairs some tap connects."""
    geometry = _geometry(inputs)
    totals = []
    for size, kernel, stride, padding, dilation in geometry["axes"]:
        total = 0
        for i in range(_out_size(size, kernel, stride, padding, dilation)):
            reached = [i * stride - padding + m * dilation for m in range(kernel)]
            if geometry["circular"]:
                total += len({r % size for r in reached})
            else:
                total += sum(0 <= r < size for r in reached)
        totals.append(total)
    return geometry["c_out"] * geometry["c_in"] * totals[0] * totals[1]


# ----------------------------------------------------------------------------------------- oracle
def _oracle(
    x: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor | None = None,
    stride: int | tuple[int, int] = 1,
    padding: int | tuple[int, int] = 0,
    dilation: int | tuple[int, int] = 1,
    padding_mode: str = "zeros",
) -> torch.Tensor:
    """``F.conv2d`` of a ``(B, C, H, W)`` batch, with the padding taken as ``padding_mode`` says.

    Besides the exercise's ``zeros`` and ``circular`` (indices wrapped), the hints use ``replicate``
    (indices clamped to the border) and ``end`` (all the padding after the image, none before).
    """
    pad_h, pad_w = _pair(padding)
    height, width = x.shape[-2:]
    if padding_mode in ("circular", "replicate"):
        rows = torch.arange(-pad_h, height + pad_h)
        cols = torch.arange(-pad_w, width + pad_w)
        if padding_mode == "circular":
            rows, cols = rows % height, cols % width
        else:
            rows, cols = rows.clamp(0, height - 1), cols.clamp(0, width - 1)
        x, padding = x[..., rows, :][..., cols], 0
    elif padding_mode == "end":
        x, padding = F.pad(x, (0, 2 * pad_w, 0, 2 * pad_h)), 0
    return F.conv2d(x, weight, bias, stride=stride, padding=padding, dilation=dilation)


def _similar(yours: torch.Tensor | None, target: torch.Tensor) -> bool:
    """Equal up to float32 rounding (for hints: which classic mistake explains the output)."""
    if yours is None or target is None or yours.shape != target.shape:
        return False
    yours, target = yours.double(), target.double()
    scale = max(float(target.abs().max()), 1.0) if target.numel() else 1.0
    return bool(((yours - target).abs() <= 1e-4 * scale).all())


def _explains(yours: torch.Tensor | None, mistake: torch.Tensor, correct: torch.Tensor) -> bool:
    """A hint's mistake explains the student's value: it matches it, and the right value does not."""
    return _similar(yours, mistake) and not _similar(yours, correct)


def _data(observed: dict[str, Any], key: str) -> torch.Tensor | None:
    item = observed.get(key)
    return None if item is None or item.data is None else item.data


# ----------------------------------------------------------------------------------------- matrix probe
def _matvec(matrix: torch.Tensor, x: torch.Tensor) -> torch.Tensor | None:
    """``M @ x`` by gather and scatter over the coalesced entries (differentiable in the values).

    ``None`` where ``M`` cannot act on ``x`` (the shape check of the matrix then says why).
    """
    if matrix.dim() != 2 or matrix.shape[1] != x.shape[0] or not matrix.is_floating_point():
        return None
    x = x.detach().to(device=matrix.device, dtype=matrix.dtype)
    if matrix.layout == torch.strided:
        return matrix @ x
    coo = matrix if matrix.layout == torch.sparse_coo else matrix.to_sparse_coo()
    coo = coo.coalesce()
    rows, cols = coo.indices()
    values = coo.values()
    if values.dim() != 1:
        return None
    return x.new_zeros(matrix.shape[0]).index_add(0, rows, values * x[cols])


def _crop(matrix: torch.Tensor, rows: int, cols: int) -> torch.Tensor:
    """The top-left ``rows x cols`` block of ``M``, sparse (COO) when ``M`` is sparse."""
    matrix = matrix.detach()
    if matrix.layout == torch.strided:
        return matrix[:rows, :cols]
    coo = matrix if matrix.layout == torch.sparse_coo else matrix.to_sparse_coo()
    coo = coo.coalesce()
    indices, values = coo.indices(), coo.values()
    keep = (indices[0] < rows) & (indices[1] < cols)
    return torch.sparse_coo_tensor(
        indices[:, keep], values[keep], (rows, cols), check_invariants=True
    ).coalesce()


def matrix_probe(impl: Any, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    """``M = conv2d_sparse_matrix(weight, in_hw, **conv args)``; its layout, values, nnz, ``M @ x``.

    Small cases observe ``M`` itself (the grader densifies it outside the student's call); the large
    case observes the shape and the top-left block only. The gradient of ``M @ x`` with respect to
    ``weight`` is taken through the matrix's values.
    """
    weight, x = inputs["weight"], inputs["x"]
    if "weight" in ctx.grad:
        weight.requires_grad_(True)
    kwargs = {name: inputs[name] for name in CONV_ARGS if name in inputs}
    matrix = ctx.call(impl, weight, inputs["in_hw"], **kwargs)
    large = inputs.get("large", False)
    first = "shape" if large else "matrix"
    if type(matrix) is not torch.Tensor:
        return {first: matrix}
    device = weight.device
    observed: dict[str, Any] = {}
    if large:
        observed["shape"] = torch.tensor(list(matrix.shape), device=device)
        block = f"matrix[:{LARGE_CROP[0]}, :{LARGE_CROP[1]}]"
        observed[block] = _crop(matrix, *LARGE_CROP) if matrix.dim() == 2 else matrix
    else:
        observed["matrix"] = matrix
    coalesced = matrix.is_coalesced() if matrix.layout == torch.sparse_coo else True
    observed["coalesced"] = torch.tensor(bool(coalesced), device=device)
    nnz = matrix._nnz() if matrix.layout in SPARSE_LAYOUTS else -1
    observed["nnz"] = torch.tensor(int(nnz), device=device)
    product = _matvec(matrix, x)
    observed["M @ x"] = product
    if product is not None and "weight" in ctx.grad:
        observed.update(vjp(product, {"weight": weight}, ctx))
    return observed


# ----------------------------------------------------------------------------------------- matrix cases
def _golden_a_matrix(weight: torch.Tensor) -> torch.Tensor:
    """Curriculum 2.2(a): the 4x9 matrix of ``[[w1, w2], [w3, w4]]`` on a 3x3 image."""
    w1, w2, w3, w4 = weight.reshape(-1).tolist()
    return torch.tensor(
        [
            [w1, w2, 0, w3, w4, 0, 0, 0, 0],
            [0, w1, w2, 0, w3, w4, 0, 0, 0],
            [0, 0, 0, w1, w2, 0, w3, w4, 0],
            [0, 0, 0, 0, w1, w2, 0, w3, w4],
        ],
        dtype=torch.float64,
    )


SLIDE_IMAGE = [[3, 3, 2, 1, 0], [0, 0, 1, 3, 1], [3, 1, 2, 2, 3], [2, 0, 0, 2, 2], [2, 0, 0, 0, 1]]
SLIDE_KERNEL = [[0, 1, 2], [2, 2, 0], [0, 1, 2]]
SLIDE_OUTPUT = [[12, 12, 17], [10, 17, 19], [9, 6, 14]]


def _check_golden_a(observed, case: Case) -> str | None:
    dense = _data(observed, "matrix")
    weight = case.args["weight"].to(case.dtype).double()
    expected = _golden_a_matrix(weight)
    if dense is None or not torch.equal(dense.double(), expected):
        return f"M is not the slide's 4x9 matrix {expected.tolist()}"
    return None


def _check_golden_b(observed, case: Case) -> str | None:
    product = _data(observed, "M @ x")
    expected = torch.tensor(SLIDE_OUTPUT, dtype=torch.float64).reshape(-1)
    if product is None or not torch.equal(product.double(), expected):
        got = None if product is None else product.double().reshape(3, 3).tolist()
        return f"M @ x = {got}, the slide has {SLIDE_OUTPUT}"
    return None


def _check_nnz_formula(observed, case: Case) -> str | None:
    nnz = _data(observed, "nnz")
    expected = _nnz_formula(case.args)
    if nnz is None or int(nnz) == expected:
        return None
    if case.args.get("padding_mode", "zeros") == "circular":
        why = "taps that wrap onto the same input pixel must be merged into one entry"
        return f"nnz {int(nnz)} != {NNZ_CIRCULAR} = {expected}: {why}"
    why = "one entry per tap inside the image, none for padding taps, even where the weight is 0"
    return f"nnz {int(nnz)} != {NNZ_ZEROS} = {expected}: {why}"


NNZ_PROPERTY = Property("nnz formula", _check_nnz_formula)


def _matrix_case(
    label: str,
    conv: Conv,
    weight: torch.Tensor,
    x: torch.Tensor,
    dtype: torch.dtype,
    properties: tuple[Property, ...] = (),
    weight_share: float = 1.0,
    large: bool = False,
) -> Case:
    args = {"weight": weight, "in_hw": conv.in_hw, **conv.kwargs(), "x": x.reshape(-1)}
    if large:
        args["large"] = True
    return Case(
        label,
        args,
        dtype=dtype,
        tolerance="conv",
        grad=() if large else ("weight",),
        weight=weight_share,
        properties=(*properties, NNZ_PROPERTY),
    )


def _random_weight(rng: CaseRng, conv: Conv) -> torch.Tensor:
    return rng.normal(conv.c_out, conv.c_in, *conv.kernel)


def _random_image(rng: CaseRng, conv: Conv, batch: int = 1) -> torch.Tensor:
    return rng.normal(batch, conv.c_in, *conv.in_hw)


MATRIX_CONVS = {
    "stride 2, padding 1, 7x6 image (floor sizes), 3 channels in": Conv(
        2, 3, (7, 6), (3, 3), stride=2, padding=1
    ),
    "dilation 2, padding 2, 9x8 image": Conv(2, 1, (9, 8), (3, 3), padding=2, dilation=2),
    "per-axis stride (2, 1), padding (1, 2), dilation (1, 2)": Conv(
        2, 2, (7, 10), (2, 3), stride=(2, 1), padding=(1, 2), dilation=(1, 2)
    ),
    "circular, stride 2, dilation (2, 1), padding beyond the image": Conv(
        2, 2, (6, 7), (3, 2), stride=2, padding=(3, 1), dilation=(2, 1), padding_mode="circular"
    ),
}
ZERO_WEIGHTS = Conv(2, 2, (6, 5), (3, 3), padding=3)
TORUS = Conv(1, 1, (2, 2), (3, 3), padding=1, padding_mode="circular")
LARGE = Conv(1, 1, (128, 128), (3, 3), padding=1)


def matrix_cases(rng: CaseRng) -> list[Case]:
    cases = [
        _matrix_case(
            "slide golden: 2x2 kernel on a 3x3 image",
            Conv(1, 1, (3, 3), (2, 2)),
            rng.normal(1, 1, 2, 2),
            rng.normal(9),
            torch.float64,
            (Property("slide golden matrix", _check_golden_a),),
        ),
        _matrix_case(
            "slide golden: 3x3 kernel (with zeros) on a 5x5 image",
            Conv(1, 1, (5, 5), (3, 3)),
            torch.tensor(SLIDE_KERNEL, dtype=torch.float64)[None, None],
            torch.tensor(SLIDE_IMAGE, dtype=torch.float64),
            torch.float64,
            (Property("slide golden output", _check_golden_b),),
        ),
    ]
    for label, conv in MATRIX_CONVS.items():
        weight, x = _random_weight(rng, conv), _random_image(rng, conv)
        cases += in_dtypes(lambda d, c=conv, w=weight, v=x, n=label: _matrix_case(n, c, w, v, d))
    zero_weight = _random_weight(rng, ZERO_WEIGHTS)
    zero_weight[:, :, 1, :] = 0.0  # a whole kernel row: pattern-from-values drops whole taps
    zero_weight[0, 1] = 0.0  # and a whole (out, in) channel pair
    zero_x = _random_image(rng, ZERO_WEIGHTS)
    cases += in_dtypes(
        lambda d: _matrix_case(
            "zero weights stay structural, padding 3 (rows without taps)",
            ZERO_WEIGHTS,
            zero_weight,
            zero_x,
            d,
        )
    )
    torus_weight, torus_x = _random_weight(rng, TORUS), _random_image(rng, TORUS)
    cases += in_dtypes(
        lambda d: _matrix_case(
            "circular, 3x3 kernel on a 2x2 torus (wrapped taps merge, nnz 16)",
            TORUS,
            torus_weight,
            torus_x,
            d,
        )
    )
    cases.append(
        _matrix_case(
            "large 128x128 image, 3x3 kernel: sparse, never dense",
            LARGE,
            _random_weight(rng, LARGE),
            _random_image(rng, LARGE),
            torch.float32,
            weight_share=2.0,
            large=True,
        )
    )
    return cases


# ----------------------------------------------------------------------------------------- matrix hints
def _case_inputs(case: Case) -> dict[str, Any]:
    return {**case.args, **case.kwargs}


def _conv_kwargs(inputs: dict[str, Any], **changes: Any) -> dict[str, Any]:
    kwargs = {name: inputs[name] for name in CONV_ARGS if name in inputs}
    kwargs.update(changes)
    return kwargs


def _matrix_oracle_product(case: Case, weight=None, image=None, **changes) -> torch.Tensor:
    """What ``M @ x`` would be for a modified convolution (flipped kernel, other padding...)."""
    inputs = _case_inputs(case)
    geometry = _geometry(inputs)
    weight = inputs["weight"] if weight is None else weight
    image = inputs["x"].reshape(1, geometry["c_in"], *geometry["in_hw"]) if image is None else image
    return _oracle(image, weight, None, **_conv_kwargs(inputs, **changes)).reshape(-1)


def _student_matrix_shape(student) -> tuple[int, ...] | None:
    if "matrix" in student and student["matrix"].shape is not None:
        return tuple(student["matrix"].shape)
    shape = _data(student, "shape")
    return None if shape is None else tuple(int(n) for n in shape.tolist())


def _is_dense(student, reference, case) -> bool:
    return any(
        key.startswith("matrix") and student[key].layout == "strided"
        for key in student
        if student[key].kind == "tensor"
    )


def _dilation_left_out_of_size(student, reference, case) -> bool:
    geometry = _geometry(_case_inputs(case))
    shape = _student_matrix_shape(student)
    without = [_out_size(size, k, s, p, 1) for size, k, s, p, _ in geometry["axes"]]
    rows = geometry["c_out"] * without[0] * without[1]
    correct = geometry["c_out"] * geometry["out_hw"][0] * geometry["out_hw"][1]
    return shape is not None and rows != correct and shape[0] == rows


def _wrong_shape(student, reference, case) -> bool:
    geometry = _geometry(_case_inputs(case))
    rows = geometry["c_out"] * geometry["out_hw"][0] * geometry["out_hw"][1]
    columns = geometry["c_in"] * geometry["in_hw"][0] * geometry["in_hw"][1]
    shape = _student_matrix_shape(student)
    return shape is not None and shape != (rows, columns)


def _not_coalesced(student, reference, case) -> bool:
    return not bool(_data(student, "coalesced"))


def _fewer_entries_with_zero_weights(student, reference, case) -> bool:
    fewer = int(_data(student, "nnz")) < int(_data(reference, "nnz"))
    return fewer and bool((case.args["weight"] == 0).any())


def _circular_duplicates(student, reference, case) -> bool:
    more = int(_data(student, "nnz")) > int(_data(reference, "nnz"))
    return more and _geometry(_case_inputs(case))["circular"]


def _matrix_product_matches(**changes):
    """Hint test: the student's ``M @ x`` is that of the convolution changed by ``changes``."""

    def applies(student, reference, case) -> bool:
        inputs = _case_inputs(case)
        if changes.get("padding_mode") == "circular" or _geometry(inputs)["circular"]:
            return False
        if _pair(inputs.get("padding", 0)) == (0, 0):
            return False
        mistake = _matrix_oracle_product(case, **changes)
        return _explains(_data(student, "M @ x"), mistake, _data(reference, "M @ x"))

    return applies


def _circular_as_zeros(student, reference, case) -> bool:
    if not _geometry(_case_inputs(case))["circular"]:
        return False
    mistake = _matrix_oracle_product(case, padding_mode="zeros")
    return _explains(_data(student, "M @ x"), mistake, _data(reference, "M @ x"))


def _flipped_matrix(student, reference, case) -> bool:
    flipped = case.args["weight"].flip(-2, -1)
    mistake = _matrix_oracle_product(case, weight=flipped)
    return _explains(_data(student, "M @ x"), mistake, _data(reference, "M @ x"))


def _rows_swapped(student, reference, case) -> bool:
    geometry = _geometry(_case_inputs(case))
    h_out, w_out = geometry["out_hw"]
    product = _data(student, "M @ x")
    if product is None or product.numel() != geometry["c_out"] * h_out * w_out or h_out == 1:
        return False
    unswapped = product.reshape(geometry["c_out"], w_out, h_out).transpose(1, 2).reshape(-1)
    return _explains(unswapped, _data(reference, "M @ x"), product)


def _channel_last_columns(student, reference, case) -> bool:
    inputs = _case_inputs(case)
    geometry = _geometry(inputs)
    if geometry["c_in"] == 1:
        return False
    image = inputs["x"].reshape(*geometry["in_hw"], geometry["c_in"]).permute(2, 0, 1)[None]
    mistake = _matrix_oracle_product(case, image=image)
    return _explains(_data(student, "M @ x"), mistake, _data(reference, "M @ x"))


def _wrapped_taps_not_summed(student, reference, case) -> bool:
    """Circular case with taps that wrap onto one pixel: the entries are right, the sums not."""
    inputs = _case_inputs(case)
    if not _geometry(inputs)["circular"] or _nnz_formula(inputs) == _tap_count(inputs):
        return False
    same_nnz = int(_data(student, "nnz")) == int(_data(reference, "nnz"))
    return same_nnz and _product_differs(student, reference, case)


def _tap_count(inputs: dict[str, Any]) -> int:
    """Taps in all: the nnz there would be if no two taps of an output pixel met."""
    geometry = _geometry(inputs)
    count = geometry["c_out"] * geometry["c_in"]
    for size, kernel, stride, padding, dilation in geometry["axes"]:
        count *= kernel * _out_size(size, kernel, stride, padding, dilation)
    return count


def _product_differs(student, reference, case) -> bool:
    product = _data(student, "M @ x")
    return product is not None and not _similar(product, _data(reference, "M @ x"))


def _padding_entries_stored(student, reference, case) -> bool:
    more = int(_data(student, "nnz")) > int(_data(reference, "nnz"))
    return more and not _geometry(_case_inputs(case))["circular"]


MATRIX_HINTS = (
    Hint(
        "M must be a sparse tensor (torch.sparse_coo_tensor(indices, values, size)); never build "
        "the dense matrix (16384 x 16384 for a 128x128 image)",
        _is_dense,
    ),
    Hint(f"the dilation enters the output size: {SIZE_HINT}", _dilation_left_out_of_size),
    Hint(f"M has shape (C_out*H_out*W_out, C_in*H*W) with {SIZE_HINT}", _wrong_shape),
    Hint(
        "return M.coalesce(): a COO matrix must be coalesced (sorted indices, no duplicates)",
        _not_coalesced,
    ),
    Hint(
        "entries whose weight is 0 disappeared: take the sparsity pattern from the index "
        f"arithmetic, never from the values (nnz = {NNZ_ZEROS})",
        _fewer_entries_with_zero_weights,
    ),
    Hint(
        "taps that wrap onto the same input pixel must be merged into one entry holding the sum "
        f"of their weights (coalesce sums duplicates); nnz = {NNZ_CIRCULAR}",
        _circular_duplicates,
    ),
    Hint(
        "padding_mode='circular' wraps the indices (r mod H, c mod W) instead of dropping the "
        "taps outside the image",
        _circular_as_zeros,
    ),
    Hint(
        "taps in the zero padding read the border pixel (clamped index): omit them instead, the "
        "padding contributes nothing",
        _matrix_product_matches(padding_mode="replicate"),
    ),
    Hint(
        "the padding shifts the window: r = i*S - P + m*D (the padding offset P is missing)",
        _matrix_product_matches(padding_mode="end"),
    ),
    Hint(
        "the kernel is flipped: PyTorch's conv2d is a cross-correlation, tap (m, n) reads "
        "x[i*S - P + m*D, j*S - P + n*D]",
        _flipped_matrix,
    ),
    Hint(
        "the rows are in (W_out, H_out) order: row index (mu*H_out + i)*W_out + j",
        _rows_swapped,
    ),
    Hint(
        "the columns are channel-last: column index (nu*H + r)*W + c, as x.reshape(-1) flattens "
        "(C_in, H, W) in C order",
        _channel_last_columns,
    ),
    Hint(
        "taps that wrap onto the same input pixel must add their weights into one entry, not "
        "overwrite each other",
        _wrapped_taps_not_summed,
    ),
    Hint(
        f"padding taps must be omitted (no entry at all, not an explicit 0): nnz = {NNZ_ZEROS}",
        _padding_entries_stored,
    ),
    Hint(INDEX_HINT, _product_differs),
)


# ----------------------------------------------------------------------------------------- convolution
def conv_probe(impl: Any, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    """``out = conv2d_via_matrix(x, weight, bias, **conv args)`` and its vector-Jacobian products.

    Cases with a ``shift`` also observe the convolution of the rolled image (curriculum 2.4).
    """
    for name in ctx.grad:
        inputs[name].requires_grad_(True)
    x, weight, bias = inputs["x"], inputs["weight"], inputs.get("bias")
    kwargs = {name: inputs[name] for name in CONV_ARGS if name in inputs}
    out = ctx.call(impl, x, weight, bias, **kwargs)
    observed = {"out": out}
    shift = inputs.get("shift")
    if shift is not None:
        rolled = torch.roll(x.detach(), shifts=tuple(shift), dims=(-2, -1))
        detached = None if bias is None else bias.detach()
        observed["conv(roll(x))"] = ctx.call(impl, rolled, weight.detach(), detached, **kwargs)
    observed.update(vjp(out, {name: inputs[name] for name in ctx.grad}, ctx))
    return observed


def _check_equivariance(observed, case: Case) -> str | None:
    out, shifted = _data(observed, "out"), _data(observed, "conv(roll(x))")
    if out is None or shifted is None or out.shape != shifted.shape:
        return "conv(roll(x)) and conv(x) do not have the same shape"
    rolled = torch.roll(out.double(), shifts=tuple(case.args["shift"]), dims=(-2, -1))
    error = float((rolled - shifted.double()).abs().max())
    allowed = (1e-12 if case.dtype == torch.float64 else 1e-5) * max(float(rolled.abs().max()), 1)
    if error > allowed:
        return (
            f"conv(roll(x)) differs from roll(conv(x)) by {error:.2e}: with circular padding "
            "and stride 1 the convolution commutes with shifts"
        )
    return None


def _check_golden_output(observed, case: Case) -> str | None:
    out = _data(observed, "out")
    expected = torch.tensor(SLIDE_OUTPUT, dtype=torch.float64)[None, None]
    if out is None or not torch.equal(out.double(), expected):
        got = None if out is None else out.double().squeeze().tolist()
        return f"the output is {got}, the slide has {SLIDE_OUTPUT}"
    return None


def _conv_case(
    label: str,
    conv: Conv,
    rng: CaseRng,
    batch: int = 2,
    bias: bool = True,
    shift: tuple[int, int] | None = None,
) -> list[Case]:
    args = {
        "x": _random_image(rng, conv, batch),
        "weight": _random_weight(rng, conv),
        "bias": rng.normal(conv.c_out) if bias else None,
        **conv.kwargs(),
    }
    properties = ()
    if shift is not None:
        args["shift"] = shift
        properties = (Property("translation equivariance", _check_equivariance),)
    grad = ("x", "weight", "bias") if bias else ("x", "weight")
    return in_dtypes(
        lambda d: Case(
            label,
            args,
            dtype=d,
            tolerance="conv",
            grad=grad,
            properties=properties,
        )
    )


def conv_cases(rng: CaseRng) -> list[Case]:
    golden = {
        "x": torch.tensor(SLIDE_IMAGE, dtype=torch.float64)[None, None],
        "weight": torch.tensor(SLIDE_KERNEL, dtype=torch.float64)[None, None],
        "bias": None,
    }
    cases = [
        Case(
            "slide golden: 3x3 kernel on a 5x5 image",
            golden,
            tolerance="conv",
            grad=("x", "weight"),
            properties=(Property("slide golden output", _check_golden_output),),
        )
    ]
    cases += _conv_case(
        "stride 2, padding 1, 7x6 image (floor sizes), batch 3",
        Conv(3, 2, (7, 6), (3, 3), stride=2, padding=1),
        rng,
        batch=3,
    )
    cases += _conv_case(
        "dilation and per-axis arguments",
        Conv(2, 2, (9, 10), (3, 2), stride=(1, 2), padding=(2, 1), dilation=(2, 1)),
        rng,
    )
    cases += _conv_case(
        "circular, 3 channels in, stride 2",
        Conv(2, 3, (6, 7), (3, 3), stride=2, padding=1, padding_mode="circular"),
        rng,
    )
    cases += _conv_case(
        "circular, 5x5 kernel on a 2x3 torus",
        Conv(2, 1, (2, 3), (5, 5), padding=2, padding_mode="circular"),
        rng,
    )
    cases += _conv_case(
        "bias None", Conv(2, 3, (5, 6), (3, 3), padding=1), rng, batch=2, bias=False
    )
    cases += _conv_case(
        "circular: conv(roll(x)) == roll(conv(x))",
        Conv(2, 2, (6, 5), (3, 3), padding=1, padding_mode="circular"),
        rng,
        shift=(2, -1),
    )
    return cases


# ----------------------------------------------------------------------------------------- conv hints
def _conv_oracle_output(case: Case, weight=None, x=None, **changes) -> torch.Tensor:
    inputs = _case_inputs(case)
    weight = inputs["weight"] if weight is None else weight
    x = inputs["x"] if x is None else x
    return _oracle(x, weight, inputs.get("bias"), **_conv_kwargs(inputs, **changes))


def _output_matches(**changes):
    def applies(student, reference, case) -> bool:
        inputs = _case_inputs(case)
        circular = _geometry(inputs)["circular"]
        if circular and changes.get("padding_mode") != "zeros":
            return False
        if not circular and (
            changes.get("padding_mode") == "zeros" or _pair(inputs.get("padding", 0)) == (0, 0)
        ):
            return False
        mistake = _conv_oracle_output(case, **changes)
        return _explains(_data(student, "out"), mistake, _data(reference, "out"))

    return applies


def _flipped_output(student, reference, case) -> bool:
    flipped = case.args["weight"].flip(-2, -1)
    mistake = _conv_oracle_output(case, weight=flipped)
    return _explains(_data(student, "out"), mistake, _data(reference, "out"))


def _output_rows_swapped(student, reference, case) -> bool:
    out, expected = _data(student, "out"), _data(reference, "out")
    if out is None or expected is None or out.shape != expected.shape or out.shape[-2] == 1:
        return False
    batch, channels, h_out, w_out = out.shape
    unswapped = out.reshape(batch, channels, w_out, h_out).transpose(-1, -2)
    return _explains(unswapped, expected, out)


def _images_mixed(student, reference, case) -> bool:
    x = case.args["x"]
    if x.shape[0] == 1:
        return False
    mixed = x.reshape(-1, x.shape[0]).T.reshape(x.shape)
    mistake = _conv_oracle_output(case, x=mixed)
    return _explains(_data(student, "out"), mistake, _data(reference, "out"))


def _bias_misplaced(student, reference, case) -> bool:
    bias = case.args.get("bias")
    out, expected = _data(student, "out"), _data(reference, "out")
    if bias is None or out is None or out.shape != expected.shape:
        return False
    error = out.double() - expected.double()
    scale = max(float(expected.abs().max()), 1.0)
    same_for_every_image = bool(((error - error[:1]).abs() <= 1e-4 * scale).all())
    return same_for_every_image and float(error.abs().max()) > 1e-4 * scale


def _output_size_without_dilation(student, reference, case) -> bool:
    out = _data(student, "out")
    geometry = _geometry(_case_inputs(case))
    without = tuple(_out_size(size, k, s, p, 1) for size, k, s, p, _ in geometry["axes"])
    return out is not None and without != geometry["out_hw"] and tuple(out.shape[-2:]) == without


def _output_differs(student, reference, case) -> bool:
    out = _data(student, "out")
    return out is not None and not _similar(out, _data(reference, "out"))


CONV_HINTS = (
    Hint(f"the dilation enters the output size: {SIZE_HINT}", _output_size_without_dilation),
    Hint(
        "padding_mode='circular' wraps the indices (r mod H, c mod W) instead of dropping the "
        "taps outside the image",
        _output_matches(padding_mode="zeros"),
    ),
    Hint(
        "taps in the zero padding read the border pixel (clamped index): omit them instead",
        _output_matches(padding_mode="replicate"),
    ),
    Hint(
        "the kernel is flipped: PyTorch's conv2d is a cross-correlation, tap (m, n) reads "
        "x[i*S - P + m*D, j*S - P + n*D]",
        _flipped_output,
    ),
    Hint("the output pixels are in (W_out, H_out) order", _output_rows_swapped),
    Hint(
        "x.reshape(-1, B) mixes the images: M acts on x.reshape(B, -1).T (one image per column)",
        _images_mixed,
    ),
    Hint(
        "the error is the same for every image, so the bias is added wrongly: out + "
        "bias[:, None, None] adds bias[mu] to every pixel of output channel mu",
        _bias_misplaced,
    ),
    Hint(
        "out[b] = (M @ x[b].reshape(-1)).reshape(C_out, H_out, W_out) + bias[:, None, None] with "
        "M = conv2d_sparse_matrix(weight, (H, W), ...): check M first",
        _output_differs,
    ),
)


EXERCISES = [
    Exercise(
        MODULE,
        "conv2d_sparse_matrix",
        points=3.0,
        cases=matrix_cases,
        probe=matrix_probe,
        forbidden=FORBIDDEN,
        hints=MATRIX_HINTS,
    ),
    Exercise(
        MODULE,
        "conv2d_via_matrix",
        points=2.0,
        cases=conv_cases,
        probe=conv_probe,
        forbidden=FORBIDDEN,
        hints=CONV_HINTS,
    ),
]

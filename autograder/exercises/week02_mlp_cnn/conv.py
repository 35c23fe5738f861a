"""Week 2 checks, convolution part: ``conv2d_sparse_matrix`` and ``conv2d_via_matrix``.

Reference: ``ml4p_ref.week02_mlp_cnn`` (the pattern read off ``F.unfold`` of an image of pixel
indices; ``F.conv2d`` after periodic padding by index wrapping).

``conv2d_sparse_matrix`` teaches that a convolution is a matrix fixed by index arithmetic alone: its
lesson is the flipped kernel, the one mistake that keeps everything structural right (shape,
pattern, nnz, coalescing, gradients flowing) and gets only the cross-correlation's index arithmetic
wrong. The probe validates the student's matrix before touching it, then observes it (any sparse
layout; the grader densifies small ones outside the student's call), its nnz, ``M @ x`` and the
gradient of that product w.r.t. ``weight``; on a 128x128 image ("sparsity") only the shape and the
top-left block. "values": the ordinary configurations and the slide goldens; "edge cases": zero
weights (structural entries stay), wrapped taps merging on a tiny torus, circular padding beyond
the image; "properties": the nnz formula of curriculum 2.2(c), a COO matrix coalesced, and the
slides' exact numbers.

``conv2d_via_matrix`` teaches applying one matrix to a batch, one image per column: its lesson is
``x.reshape(-1, B)``, which mixes the images. Output and gradients w.r.t. ``x``, ``weight`` and
``bias``; "properties": the slide golden; "equivariance" (curriculum 2.4, ``equivariance``):
``conv(roll(x, s)) == roll(conv(x), s / S)`` on the torus for stride 1 and any shift, for stride 2
and an even shift, and with zero padding away from the border.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from autograder import plain
from autograder.case import BOTH, Case, CaseRng, Property, Unfit, observed_array
from autograder.emulated_gpu import host_of
from autograder.exercise import Exercise
from autograder.exercises.week02_mlp_cnn.equivariance import (
    equivariance_property,
    interior_mask,
    roll_image,
    rolled_key,
    with_shift,
)
from autograder.hints import (
    Evidence,
    Hint,
    all_of,
    at_stage,
    explained_by,
    failed_on,
    near,
    raised,
    reference,
)
from autograder.probe import ProbeContext, is_tensor, vjp

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
FORBIDDEN_OPS = (  # what the names above dispatch to, whichever name reaches them
    "aten.convolution",  # F.conv2d, torch.conv2d, nn.Conv2d (and conv1d/3d/transposed)
    "aten._convolution",
    "aten.convolution_overrideable",
    "aten._slow_conv2d_forward",
    "aten.slow_conv_dilated2d",
    "aten.mkldnn_convolution",
    "aten.cudnn_convolution",
    "aten.miopen_convolution",
    "aten._nnpack_spatial_convolution",
    "aten.im2col",  # F.unfold, nn.Unfold
    "aten._to_sparse",  # Tensor.to_sparse, to_sparse_coo
    # not aten._to_dense (Tensor.to_dense): print(M) dispatches it, so only the name is banned
)
LARGE_CROP = (256, 512)  # rows and columns of the large matrix whose values are compared
LARGE_KEY = f"matrix[:{LARGE_CROP[0]}, :{LARGE_CROP[1]}]"
REF_MATRIX = reference(MODULE, "conv2d_sparse_matrix")
REF_CONV = reference(MODULE, "conv2d_via_matrix")

SIZE_HINT = "H_out = floor((H + 2P - D*(K - 1) - 1) / S) + 1, and the same for W_out"
NNZ_ZEROS = "C_out*C_in*(sum_i n_h(i))*(sum_j n_w(j)), n_h(i) = #{m < K_h : 0 <= i*S - P + m*D < H}"
NNZ_CIRCULAR = (
    "C_out*C_in*(sum_i #distinct (i*S - P + m*D) mod H)*(sum_j #distinct (j*S - P + n*D) mod W)"
)
CIRCULAR_HINT = (
    "padding_mode='circular' wraps the indices (r mod H, c mod W) instead of dropping the taps "
    "outside the image"
)
CLAMP_HINT = (
    "taps in the zero padding read the border pixel (clamped index): omit them instead, the "
    "padding contributes nothing"
)
OFFSET_HINT = "the padding shifts the window: r = i*S - P + m*D (the padding offset P is missing)"
FLIP_HINT = (
    "the kernel is flipped: PyTorch's conv2d is a cross-correlation, tap (m, n) reads "
    "x[i*S - P + m*D, j*S - P + n*D] with weight[..., m, n]"
)


# ----------------------------------------------------------------------------------------- geometry
def _pair(value: int | tuple[int, int]) -> tuple[int, int]:
    return (value, value) if isinstance(value, int) else (int(value[0]), int(value[1]))


def _out_size(size: int, kernel: int, stride: int, padding: int, dilation: int) -> int:
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def _conv_kwargs(inputs: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**{name: inputs[name] for name in CONV_ARGS if name in inputs}, **changes}


def _circular(inputs: dict[str, Any]) -> bool:
    return inputs.get("padding_mode", "zeros") == "circular"


def _axes(inputs: dict[str, Any], **changes: Any) -> list[tuple[int, ...]]:
    """(size, kernel, stride, padding, dilation) of each axis of a case's convolution."""
    args = {"stride": 1, "padding": 0, "dilation": 1, **_conv_kwargs(inputs, **changes)}
    in_hw = inputs["in_hw"] if "in_hw" in inputs else tuple(inputs["x"].shape[-2:])
    per_axis = [_pair(args[name]) for name in ("stride", "padding", "dilation")]
    return list(zip(in_hw, inputs["weight"].shape[-2:], *per_axis, strict=True))


def _out_hw(inputs: dict[str, Any], **changes: Any) -> tuple[int, int]:
    return tuple(_out_size(*axis) for axis in _axes(inputs, **changes))


def _nnz_formula(inputs: dict[str, Any]) -> int:
    """Curriculum 2.2(c): exactly the (output pixel, input pixel) pairs some tap connects."""
    c_out, c_in = inputs["weight"].shape[:2]
    total = c_out * c_in
    for size, kernel, stride, padding, dilation in _axes(inputs):
        count = 0
        for i in range(_out_size(size, kernel, stride, padding, dilation)):
            reached = [i * stride - padding + m * dilation for m in range(kernel)]
            if _circular(inputs):
                count += len({r % size for r in reached})
            else:
                count += sum(0 <= r < size for r in reached)
        total *= count
    return total


# ------------------------------------------------------------------------------------- matrix probe
def _usable(value: Any, what: str) -> None:
    """Raise ValueError, describing the student's tensor, where reading it could go wrong: a layout
    the grader cannot read or a sparse tensor that breaks torch's invariants (indices outside the
    shape: torch only checks them where the tensor is built with ``check_invariants=True``)."""
    if not is_tensor(value) or value.layout == torch.strided:
        return
    layout = str(value.layout).removeprefix("torch.")
    if value.layout != torch.sparse_coo and value.layout not in plain.COMPRESSED_INDICES:
        raise ValueError(f"{what} has layout {layout}, which the grader cannot read")
    if value.dim() != 2 or value.dense_dim() != 0:
        raise ValueError(
            f"{what} is a {layout} tensor of shape {list(value.shape)} with {value.dense_dim()} "
            "dense dimension(s): it must be a 2-D sparse matrix with one number per entry"
        )
    plain.validate_sparse(host_of(value), what)


def _coalesced_coo(matrix: torch.Tensor) -> torch.Tensor:
    coo = matrix if matrix.layout == torch.sparse_coo else matrix.to_sparse_coo()
    return coo.coalesce()


def _matvec(matrix: torch.Tensor, x: torch.Tensor) -> torch.Tensor | None:
    """``M @ x`` by gather and scatter over the coalesced entries (differentiable in the values);
    ``None`` where ``M`` cannot act on ``x`` (the checks of the matrix then say why)."""
    if matrix.dim() != 2 or matrix.shape[1] != x.shape[0] or not matrix.is_floating_point():
        return None
    x = x.detach().to(device=matrix.device, dtype=matrix.dtype)
    if matrix.layout == torch.strided:
        return matrix @ x
    coo = _coalesced_coo(matrix)
    rows, cols = coo.indices()
    return x.new_zeros(matrix.shape[0]).index_add(0, rows, coo.values() * x[cols])


def _crop(matrix: torch.Tensor, rows: int, cols: int) -> torch.Tensor:
    """The top-left ``rows x cols`` block of ``M``, sparse (COO) when ``M`` is sparse."""
    matrix = matrix.detach()
    if matrix.layout == torch.strided:
        return matrix[:rows, :cols]
    coo = _coalesced_coo(matrix)
    indices, values = coo.indices(), coo.values()
    keep = (indices[0] < rows) & (indices[1] < cols)
    size = (min(rows, matrix.shape[0]), min(cols, matrix.shape[1]))
    block = torch.sparse_coo_tensor(indices[:, keep], values[keep], size, check_invariants=True)
    return block.coalesce()


def matrix_probe(impl: Any, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    """``M = conv2d_sparse_matrix(weight, in_hw, **conv args)``: M itself (or, for the large case,
    its shape and top-left block), its nnz (stored numbers), whether a COO matrix is not coalesced,
    ``M @ x`` and its gradient w.r.t. ``weight``, taken through the matrix's values."""
    weight, x = inputs["weight"], inputs["x"]
    if "weight" in ctx.grad:
        weight.requires_grad_(True)
    matrix = ctx.call(impl, weight, inputs["in_hw"], **_conv_kwargs(inputs))
    large = inputs.get("large", False)
    if not is_tensor(matrix):
        return {"shape" if large else "matrix": matrix}
    _usable(matrix, "the matrix")
    device = weight.device
    observed: dict[str, Any] = {}
    if large:
        observed["shape"] = torch.tensor(list(matrix.shape), device=device)
        observed[LARGE_KEY] = _crop(matrix, *LARGE_CROP) if matrix.dim() == 2 else matrix
    else:
        observed["matrix"] = matrix
    if matrix.layout == torch.sparse_coo and not matrix.is_coalesced():
        # only then: the reference's matrix is coalesced, so this is a property, not a value
        observed["coalesced"] = torch.tensor(False, device=device)
    nnz = -1  # a dense matrix has no structural nonzeros
    if matrix.layout != torch.strided:
        nnz = (matrix._values() if matrix.layout == torch.sparse_coo else matrix.values()).numel()
    observed["nnz"] = torch.tensor(int(nnz), device=device)
    product = _matvec(matrix, x)
    observed["M @ x"] = product
    if product is not None and "weight" in ctx.grad:
        observed.update(vjp(product, {"weight": weight}, ctx))
    return observed


# ------------------------------------------------------------------------------------- matrix cases
SLIDE_IMAGE = [[3, 3, 2, 1, 0], [0, 0, 1, 3, 1], [3, 1, 2, 2, 3], [2, 0, 0, 2, 2], [2, 0, 0, 0, 1]]
SLIDE_KERNEL = [[0, 1, 2], [2, 2, 0], [0, 1, 2]]
SLIDE_OUTPUT = [[12, 12, 17], [10, 17, 19], [9, 6, 14]]


def _check_golden_matrix(observed, case: Case) -> str | None:
    """Curriculum 2.2(a): the 4x9 matrix of ``[[w1, w2], [w3, w4]]`` on a 3x3 image."""
    w1, w2, w3, w4 = case.seen("weight").reshape(-1).tolist()
    expected = [
        [w1, w2, 0, w3, w4, 0, 0, 0, 0],
        [0, w1, w2, 0, w3, w4, 0, 0, 0],
        [0, 0, 0, w1, w2, 0, w3, w4, 0],
        [0, 0, 0, 0, w1, w2, 0, w3, w4],
    ]
    dense = observed_array(observed, "matrix", (4, 9))
    if not torch.equal(dense, torch.tensor(expected, dtype=torch.float64)):
        rows = "; ".join(" ".join(f"{value:.4g}" for value in row) for row in expected)
        return f"M is not the slide's 4x9 matrix [{rows}]"
    return None


def _check_golden_product(observed, case: Case) -> str | None:
    """Curriculum 2.2(b): the slide's 3x3 kernel on its 5x5 image."""
    product = observed_array(observed, "M @ x", (9,))
    if not torch.equal(product, torch.tensor(SLIDE_OUTPUT, dtype=torch.float64).reshape(-1)):
        return f"M @ x = {product.reshape(3, 3).tolist()}, the slide has {SLIDE_OUTPUT}"
    return None


def _check_nnz_formula(observed, case: Case) -> str | None:
    if "nnz" not in observed:
        raise Unfit("M is not a torch.Tensor, so it has no nnz")
    nnz, expected = int(observed_array(observed, "nnz", ())), _nnz_formula(case.inputs)
    if nnz == expected:
        return None
    if _circular(case.inputs):
        why = "taps that wrap onto the same input pixel are merged into one entry"
        return f"nnz {nnz} != {NNZ_CIRCULAR} = {expected}: {why}"
    why = "one entry per tap inside the image, none for padding taps, even where the weight is 0"
    return f"nnz {nnz} != {NNZ_ZEROS} = {expected}: {why}"


NNZ_FORMULA = Property("nnz formula", _check_nnz_formula)


def _check_coalesced(observed, case: Case) -> str | None:
    if "coalesced" not in observed:  # the probe notes only a COO matrix that is not coalesced
        return None
    return (
        "M is a COO tensor that is not coalesced (indices unsorted or repeated): return "
        "M.coalesce(), which also sums the taps that wrap onto the same pixel"
    )


COALESCED = Property("coalesced", _check_coalesced)


def matrix_cases(rng: CaseRng) -> list[Case]:
    def case(label, weight, in_hw, group="values", x=None, dtypes=BOTH, golden=(), **conv):
        weight = rng.normal(*weight) if isinstance(weight, tuple) else weight
        x = rng.normal(weight.shape[1], *in_hw) if x is None else x
        inputs = {"weight": weight, "in_hw": in_hw, **conv, "x": x.reshape(-1)}
        large = group == "sparsity"  # observed without densifying
        grad = () if large else ("weight",)
        inputs.update({"large": True} if large else {})
        properties = (*golden, NNZ_FORMULA, COALESCED)
        return Case(
            label, inputs, group, dtypes, tolerance="conv", grad=grad, properties=properties
        )

    zero_weight = rng.normal(2, 2, 3, 3)
    zero_weight[:, :, 1, :] = 0.0  # a whole kernel row: pattern-from-values drops whole taps
    zero_weight[0, 1] = 0.0  # and a whole (out, in) channel pair
    slide = torch.tensor(SLIDE_KERNEL, dtype=torch.float64)[None, None]
    slide_image = torch.tensor(SLIDE_IMAGE, dtype=torch.float64)
    golden_matrix = Property("slide golden matrix", _check_golden_matrix)
    golden_product = Property("slide golden output", _check_golden_product)
    float64, edge = (torch.float64,), "edge cases"
    return [
        case(
            "slide golden: 2x2 kernel on a 3x3 image",
            (1, 1, 2, 2),
            (3, 3),
            dtypes=float64,
            golden=(golden_matrix,),
        ),
        case(
            "slide golden: 3x3 kernel (with zeros) on a 5x5 image",
            slide,
            (5, 5),
            x=slide_image,
            dtypes=float64,
            golden=(golden_product,),
        ),
        case(
            "stride 2, padding 1, 7x6 image (floor sizes), 3 channels in",
            (2, 3, 3, 3),
            (7, 6),
            stride=2,
            padding=1,
        ),
        case("dilation 2, padding 2, 9x8 image", (2, 1, 3, 3), (9, 8), padding=2, dilation=2),
        case(
            "per-axis stride (2, 1), padding (1, 2), dilation (1, 2)",
            (2, 2, 2, 3),
            (7, 10),
            stride=(2, 1),
            padding=(1, 2),
            dilation=(1, 2),
        ),
        case(
            "circular, stride 2, dilation (2, 1), padding (3, 1)",
            (2, 2, 3, 2),
            (6, 7),
            stride=2,
            padding=(3, 1),
            dilation=(2, 1),
            padding_mode="circular",
        ),
        case(
            "zero weights stay structural, padding 3 (rows without taps)",
            zero_weight,
            (6, 5),
            edge,
            padding=3,
        ),
        case(
            "circular, 3x3 kernel on a 2x2 torus (wrapped taps merge, nnz 16)",
            (1, 1, 3, 3),
            (2, 2),
            edge,
            padding=1,
            padding_mode="circular",
        ),
        case(
            "circular padding 5 on a 3x4 image (wraps more than once)",
            (2, 1, 3, 3),
            (3, 4),
            edge,
            padding=5,
            padding_mode="circular",
        ),
        case(
            "large 128x128 image, 3x3 kernel: sparse, never dense",
            (1, 1, 3, 3),
            (128, 128),
            "sparsity",
            dtypes=(torch.float32,),
            padding=1,
        ),
    ]


# ------------------------------------------------------------------------------ shared hint helpers
def _by_hand_padding(evidence: Evidence, image: torch.Tensor, mode: str, bias=None):
    """The reference convolution of ``image`` with the zero padding done wrongly by hand:
    ``"replicate"`` (taps clamped onto the border) or ``"end"`` (all 2P after the image, the window
    not shifted by -P). None where the case has no zero padding."""
    inputs = evidence.case.inputs
    pad_h, pad_w = _pair(inputs.get("padding", 0))
    if _circular(inputs) or (pad_h, pad_w) == (0, 0):
        return None
    if mode == "replicate":
        image = F.pad(image, (pad_w, pad_w, pad_h, pad_h), mode="replicate")
    else:
        image = F.pad(image, (0, 2 * pad_w, 0, 2 * pad_h))
    kwargs = _conv_kwargs(inputs, padding=0)
    return REF_CONV(image, evidence.seen("weight"), bias, **kwargs)


# ------------------------------------------------------------------------------------- matrix hints
def _reference_matrix(evidence: Evidence, weight=None, **changes: Any) -> torch.Tensor | None:
    """The reference's matrix for the case's inputs changed as asked (None for the large case)."""
    inputs = evidence.case.inputs
    if inputs.get("large", False):
        return None
    weight = evidence.seen("weight") if weight is None else weight
    return REF_MATRIX(weight, inputs["in_hw"], **_conv_kwargs(inputs, **changes))


def _mistaken_matrix(mistake):
    """A variant for ``explained_by``: the densified matrix ``mistake(evidence, right)`` makes,
    paired with the right one (property checks carry no reference observations)."""

    def variant(evidence: Evidence):
        right = _reference_matrix(evidence)
        if right is None:
            return None
        right = right.to_dense()
        wrong = mistake(evidence, right)
        return None if wrong is None else (wrong, right)

    return variant


def _circular_as_zeros(evidence: Evidence, right: torch.Tensor) -> torch.Tensor | None:
    if not _circular(evidence.case.inputs):
        return None
    return _reference_matrix(evidence, padding_mode="zeros").to_dense()


def _flipped(evidence: Evidence, right: torch.Tensor) -> torch.Tensor:
    return _reference_matrix(evidence, weight=evidence.seen("weight").flip(-2, -1)).to_dense()


def _padded_by_hand(mode: str):
    """The matrix of the convolution with the padding done by hand (``_by_hand_padding``): its
    columns are the convolutions of the basis images."""

    def mistake(evidence: Evidence, right: torch.Tensor) -> torch.Tensor | None:
        pixels = right.shape[1]
        c_in, in_hw = evidence.case.inputs["weight"].shape[1], evidence.case.inputs["in_hw"]
        basis = torch.eye(pixels, dtype=torch.float64).reshape(pixels, c_in, *in_hw)
        columns = _by_hand_padding(evidence, basis, mode)
        return None if columns is None else columns.reshape(pixels, -1).T

    return mistake


def _rows_swapped(evidence: Evidence, right: torch.Tensor) -> torch.Tensor:
    """Rows in (W_out, H_out) order: row (mu*W_out + j)*H_out + i."""
    c_out = evidence.case.inputs["weight"].shape[0]
    order = torch.arange(right.shape[0]).reshape(c_out, *_out_hw(evidence.case.inputs))
    return right[order.transpose(1, 2).reshape(-1)]


def _channel_last(evidence: Evidence, right: torch.Tensor) -> torch.Tensor:
    """Columns channel-last: column (r*W + c)*C_in + nu."""
    c_in, in_hw = evidence.case.inputs["weight"].shape[1], evidence.case.inputs["in_hw"]
    order = torch.arange(right.shape[1]).reshape(c_in, *in_hw)
    return right[:, order.permute(1, 2, 0).reshape(-1)]


def _nonzero_count(evidence: Evidence):
    """nnz if the entries whose weight is 0 were dropped (a pattern taken from the values)."""
    right = _reference_matrix(evidence)
    return None if right is None else ((right.values() != 0).sum(), right._nnz())


def _student_shape(evidence: Evidence) -> tuple[int, ...] | None:
    """The shape of the student's matrix, when that is what failed (the large case observes it)."""
    if evidence.stage == "shape" and evidence.key == "matrix":
        return tuple(evidence.student["matrix"].shape)
    shape = evidence.student_value("shape")
    if evidence.stage != "values" or evidence.key != "shape" or shape is None or shape.dim() != 1:
        return None
    return tuple(int(n) for n in shape.tolist())


def _right_shape(evidence: Evidence, **changes: Any) -> tuple[int, int]:
    inputs = evidence.case.inputs
    c_out, c_in = inputs["weight"].shape[:2]
    h_out, w_out = _out_hw(inputs, **changes)
    return c_out * h_out * w_out, c_in * inputs["in_hw"][0] * inputs["in_hw"][1]


def _shape_without_dilation(evidence: Evidence) -> bool:
    without = _right_shape(evidence, dilation=1)
    return _student_shape(evidence) == without != _right_shape(evidence)


def _wrong_shape(evidence: Evidence) -> bool:
    return _student_shape(evidence) not in (None, _right_shape(evidence))


def _dense_layout(evidence: Evidence) -> bool:
    item = evidence.student.get(evidence.key)
    return evidence.stage == "layout" and item is not None and item.layout == "strided"


def _only_merged_entries_differ(evidence: Evidence) -> bool:
    """Circular: right wherever at most one tap reaches an entry, wrong where several merge."""
    yours, right = evidence.student_value("matrix"), _reference_matrix(evidence)
    if not _circular(evidence.case.inputs) or yours is None or right is None:
        return False
    if yours.shape != right.shape:
        return False
    right = right.to_dense()
    taps = _reference_matrix(evidence, weight=torch.ones_like(evidence.seen("weight"))).to_dense()
    single = taps <= 1
    return near(yours[single], right[single]) and not near(yours, right)


def _wrapped_once(evidence: Evidence) -> bool:
    """Raised on an index outside the matrix where the circular padding exceeds the image."""
    inputs = evidence.case.inputs
    beyond = any(padding > size for size, _, _, padding, _ in _axes(inputs))
    invalid = "negative index" in evidence.raised or "inconsistent with indices" in evidence.raised
    return evidence.stage == "raised" and _circular(inputs) and beyond and invalid


def _explicit_zeros(evidence: Evidence) -> bool:
    """Right values, more entries: zeros stored where no tap reads the image."""
    yours, right = evidence.student_value("nnz"), evidence.reference_value("nnz")
    if evidence.key != "nnz" or yours is None or right is None:
        return False
    same_values = near(evidence.student_value("matrix"), evidence.reference_value("matrix"))
    return same_values and float(yours.sum()) > float(right.sum())


MATRIX_HINTS = (
    Hint(
        "M must be a sparse tensor (torch.sparse_coo_tensor(indices, values, size)); never build "
        "the dense matrix (16384 x 16384 for a 128x128 image)",
        _dense_layout,
    ),
    Hint(f"the dilation enters the output size: {SIZE_HINT}", _shape_without_dilation),
    Hint(f"M has shape (C_out*H_out*W_out, C_in*H*W) with {SIZE_HINT}", _wrong_shape),
    Hint(
        "entries whose weight is 0 disappeared: take the sparsity pattern from the index "
        f"arithmetic, never from the values (nnz = {NNZ_ZEROS})",
        explained_by(_nonzero_count, "nnz"),
    ),
    Hint(CIRCULAR_HINT, explained_by(_mistaken_matrix(_circular_as_zeros), "matrix")),
    Hint(CLAMP_HINT, explained_by(_mistaken_matrix(_padded_by_hand("replicate")), "matrix")),
    Hint(OFFSET_HINT, explained_by(_mistaken_matrix(_padded_by_hand("end")), "matrix")),
    Hint(FLIP_HINT, explained_by(_mistaken_matrix(_flipped), "matrix")),
    Hint(
        "the rows are in (W_out, H_out) order: row index (mu*H_out + i)*W_out + j",
        explained_by(_mistaken_matrix(_rows_swapped), "matrix"),
    ),
    Hint(
        "the columns are channel-last: column index (nu*H + r)*W + c, as x.reshape(-1) flattens "
        "(C_in, H, W) in C order",
        explained_by(_mistaken_matrix(_channel_last), "matrix"),
    ),
    Hint(
        "taps that wrap onto the same input pixel must add their weights into one entry, not "
        "overwrite each other",
        _only_merged_entries_differ,
    ),
    Hint(
        "the circular padding may exceed the image (taps more than H outside): wrap with "
        "r % H, which is never negative, not by adding H once",
        _wrapped_once,
    ),
    Hint(
        f"padding taps get no entry at all (not an explicit 0): nnz = {NNZ_ZEROS}",
        _explicit_zeros,
    ),
    Hint(
        "row (mu*H_out + i)*W_out + j reads column (nu*H + r)*W + c with r = i*S - P + m*D, "
        "c = j*S - P + n*D, weight[mu, nu, m, n]",
        all_of(at_stage("values"), failed_on("matrix", "M @ x", LARGE_KEY)),
    ),
)


# -------------------------------------------------------------------------------------- convolution
def _dense_output(value: Any, what: str) -> None:
    if is_tensor(value) and value.layout != torch.strided:
        layout = str(value.layout).removeprefix("torch.")
        raise ValueError(f"{what} is a {layout} tensor: return an ordinary (strided) tensor")


def conv_probe(impl: Any, inputs: dict[str, Any], ctx: ProbeContext) -> dict[str, Any]:
    """``out = conv2d_via_matrix(x, weight, bias, **conv args)`` and its vector-Jacobian products;
    cases with a ``shift`` also observe the convolution of the rolled image (curriculum 2.4)."""
    for name in ctx.grad:
        inputs[name].requires_grad_(True)
    x, weight, bias = inputs["x"], inputs["weight"], inputs["bias"]
    kwargs = _conv_kwargs(inputs)
    out = ctx.call(impl, x, weight, bias, **kwargs)
    _dense_output(out, "the output")
    observed = {"out": out}
    if "shift" in inputs:
        rolled, key = roll_image(x.detach(), inputs["shift"]), rolled_key("conv")
        detached = None if bias is None else bias.detach()
        observed[key] = ctx.call(impl, rolled, weight.detach(), detached, **kwargs)
        _dense_output(observed[key], key)
    observed.update(vjp(out, {name: inputs[name] for name in ctx.grad}, ctx))
    return observed


def _interior(case: Case) -> torch.Tensor:
    """Zero padding, stride 1: the output pixels away from the border and the roll's seam."""
    axes = _axes(case.inputs)
    size, kernel, _, padding, dilation = zip(*axes, strict=True)
    return interior_mask(size, kernel, padding, dilation, case.inputs["shift"])


EQUIVARIANT = {  # per case: (how the output shifts, why, the compared pixels)
    "torus": (
        "s",
        "with circular padding and stride 1 the convolution commutes with every shift",
        None,
    ),
    "stride 2": (
        "s / 2",
        "with circular padding and stride 2, a shift by an even s shifts the output by s / 2",
        None,
    ),
    "border": (
        "s",
        "with zero padding the convolution commutes with shifts away from the border (output "
        "pixels whose window stays inside the image, on one side of the roll's seam)",
        _interior,
    ),
}


def _check_golden_output(observed, case: Case) -> str | None:
    out = observed_array(observed, "out", (1, 1, 3, 3))
    if not torch.equal(out, torch.tensor(SLIDE_OUTPUT, dtype=torch.float64)[None, None]):
        return f"the output is {out.squeeze().tolist()}, the slide has {SLIDE_OUTPUT}"
    return None


def conv_cases(rng: CaseRng) -> list[Case]:
    def case(label, c_out, c_in, in_hw, kernel, group="values", batch=2, bias=True, **conv):
        equivariant, shift = conv.pop("equivariant", None), conv.pop("shift", None)
        inputs = {
            "x": rng.normal(batch, c_in, *in_hw),
            "weight": rng.normal(c_out, c_in, *kernel),
            "bias": rng.normal(c_out) if bias else None,
            **conv,
        }
        properties = ()
        if equivariant is not None:
            shifted_by, why, mask = EQUIVARIANT[equivariant]
            inputs = with_shift(inputs, shift, _pair(conv.get("stride", 1)))
            properties = (equivariance_property("conv", shifted_by, why, mask),)
        grad = ("x", "weight", "bias") if bias else ("x", "weight")
        return Case(label, inputs, group, BOTH, tolerance="conv", grad=grad, properties=properties)

    golden = {
        "x": torch.tensor(SLIDE_IMAGE, dtype=torch.float64)[None, None],
        "weight": torch.tensor(SLIDE_KERNEL, dtype=torch.float64)[None, None],
        "bias": None,
    }
    return [
        Case(
            "slide golden: 3x3 kernel on a 5x5 image",
            golden,
            tolerance="conv",
            grad=("x", "weight"),
            properties=(Property("slide golden output", _check_golden_output),),
        ),
        case(
            "stride 2, padding 1, 7x6 image (floor sizes), batch 3",
            *(3, 2, (7, 6), (3, 3)),
            batch=3,
            stride=2,
            padding=1,
        ),
        case(
            "dilation and per-axis arguments",
            *(2, 2, (9, 10), (3, 2)),
            stride=(1, 2),
            padding=(2, 1),
            dilation=(2, 1),
        ),
        case(
            "circular, 3 channels in, stride 2",
            *(2, 3, (6, 7), (3, 3)),
            stride=2,
            padding=1,
            padding_mode="circular",
        ),
        case("bias None", *(2, 3, (5, 6), (3, 3)), bias=False, padding=1),
        case(
            "circular: conv(roll(x)) == roll(conv(x))",
            *(2, 2, (6, 5), (3, 3)),
            padding=1,
            padding_mode="circular",
            shift=(2, -1),
            equivariant="torus",
        ),
        case(
            "circular, stride 2: even shift (2, -4) shifts the output by (1, -2)",
            *(2, 2, (6, 8), (3, 3)),
            stride=2,
            padding=1,
            padding_mode="circular",
            shift=(2, -4),
            equivariant="stride 2",
        ),
        case(
            "zero padding: conv(roll(x)) == roll(conv(x)) away from the border",
            *(2, 2, (7, 6), (3, 3)),
            padding=1,
            shift=(3, -2),
            equivariant="border",
        ),
        case(
            "circular, 5x5 kernel on a 2x3 torus",
            *(2, 1, (2, 3), (5, 5), "edge cases"),
            padding=2,
            padding_mode="circular",
        ),
    ]


# --------------------------------------------------------------------------------------- conv hints
def _conv_variant(evidence: Evidence, x=None, weight=None, **changes) -> torch.Tensor:
    """The reference output for the case's inputs changed as asked."""
    x = evidence.seen("x") if x is None else x
    weight = evidence.seen("weight") if weight is None else weight
    bias = evidence.seen("bias")
    return REF_CONV(x, weight, bias, **_conv_kwargs(evidence.case.inputs, **changes))


def _mistaken_output(mistake):
    """A variant for ``explained_by``: the output ``mistake(evidence)`` makes, paired with the right
    one (property checks carry no reference observations)."""

    def variant(evidence: Evidence):
        wrong = mistake(evidence)
        return None if wrong is None else (wrong, _conv_variant(evidence))

    return variant


def _output_without_dilation(evidence: Evidence) -> bool:
    item = evidence.student.get("out")
    if evidence.stage != "shape" or item is None or item.shape is None:
        return False
    without = _out_hw(evidence.case.inputs, dilation=1)
    return tuple(item.shape[-2:]) == without != _out_hw(evidence.case.inputs)


def _circular_as_zeros_output(evidence: Evidence) -> torch.Tensor | None:
    circular = _circular(evidence.case.inputs)
    return _conv_variant(evidence, padding_mode="zeros") if circular else None


def _rows_swapped_output(evidence: Evidence) -> torch.Tensor:
    right = _conv_variant(evidence)
    return right.transpose(-1, -2).reshape(right.shape)


def _mixed_images(evidence: Evidence) -> torch.Tensor:
    """``x.reshape(-1, B)`` read as one image per column: image b is x.flatten()[b::B]."""
    x = evidence.seen("x")
    return _conv_variant(evidence, x=x.reshape(-1, x.shape[0]).T.reshape(x.shape))


def _image_independent_error(evidence: Evidence) -> torch.Tensor | None:
    """The right output plus the error on the first image, for every image: only the bias (the
    one term that does not depend on the image) can be wrong that way."""
    yours, right = evidence.student_value("out"), evidence.reference_value("out")
    if evidence.case.inputs["bias"] is None or yours is None or right is None:
        return None
    if yours.shape != right.shape or right.shape[0] < 2 or not bool(yours.isfinite().all()):
        return None
    return right + (yours - right)[:1]


CONV_HINTS = (
    Hint(f"the dilation enters the output size: {SIZE_HINT}", _output_without_dilation),
    Hint(
        "bias may be None (its default): add it only when it is given",
        all_of(raised("TypeError"), lambda evidence: evidence.case.inputs["bias"] is None),
    ),
    Hint(CIRCULAR_HINT, explained_by(_mistaken_output(_circular_as_zeros_output), "out")),
    Hint(
        CLAMP_HINT,
        explained_by(
            _mistaken_output(
                lambda e: _by_hand_padding(e, e.seen("x"), "replicate", e.seen("bias"))
            ),
            "out",
        ),
    ),
    Hint(
        OFFSET_HINT,
        explained_by(
            _mistaken_output(lambda e: _by_hand_padding(e, e.seen("x"), "end", e.seen("bias"))),
            "out",
        ),
    ),
    Hint(
        FLIP_HINT,
        explained_by(
            _mistaken_output(lambda e: _conv_variant(e, weight=e.seen("weight").flip(-2, -1))),
            "out",
        ),
    ),
    Hint(
        "the output pixels are in (W_out, H_out) order",
        explained_by(_mistaken_output(_rows_swapped_output), "out"),
    ),
    Hint(
        "x.reshape(-1, B) mixes the images: M acts on x.reshape(B, -1).T (one image per column)",
        explained_by(_mistaken_output(_mixed_images), "out"),
    ),
    Hint(
        "the error is the same for every image, so the bias is added wrongly: out + "
        "bias[:, None, None] adds bias[mu] to every pixel of output channel mu",
        explained_by(_image_independent_error, "out"),
    ),
    Hint(
        "out[b] = (M @ x[b].reshape(-1)).reshape(C_out, H_out, W_out) + bias[:, None, None] with "
        "M = conv2d_sparse_matrix(weight, (H, W), ...): check M first",
        all_of(at_stage("values"), failed_on("out")),
    ),
)


EXERCISES = [
    Exercise(
        MODULE,
        "conv2d_sparse_matrix",
        points=3.0,
        cases=matrix_cases,
        probe=matrix_probe,
        groups={
            "values": 4.0,
            "edge cases": 2.0,
            "sparsity": 1.0,
            "gradients": 1.5,
            "properties": 1.5,
        },
        lesson="the matrix comes from index arithmetic alone: row (mu*H_out + i)*W_out + j reads "
        "column (nu*H + r)*W + c with r = i*S - P + m*D (a cross-correlation: the kernel is not "
        "flipped), one entry per structural nonzero, sparse and never dense",
        forbidden=FORBIDDEN,
        forbidden_ops=FORBIDDEN_OPS,
        hints=MATRIX_HINTS,
    ),
    Exercise(
        MODULE,
        "conv2d_via_matrix",
        points=2.0,
        cases=conv_cases,
        probe=conv_probe,
        groups={
            "values": 4.0,
            "edge cases": 1.0,
            "gradients": 2.0,
            "properties": 1.0,
            "equivariance": 1.5,
        },
        lesson="M acts on one image per column, x.reshape(B, -1).T: x.reshape(-1, B) mixes the "
        "images",
        forbidden=FORBIDDEN,
        forbidden_ops=FORBIDDEN_OPS,
        hints=CONV_HINTS,
    ),
]

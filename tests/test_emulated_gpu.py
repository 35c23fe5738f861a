"""The emulated GPU: code that follows its input's device and dtype runs there as on the CPU, with
the same values and gradients; code that would break on a GPU, or lose float64's digits, is caught
with a message that names the line and the fix.

The functions under test live in this file: the emulation counts what "the student's file" does,
and here that file is this one.
"""

from __future__ import annotations

import math
import subprocess
import sys

import pytest
import torch

from autograder import emulated_gpu
from autograder.emulated_gpu import DeviceError, OnDevice, emulated, to_device, to_host

STUDENT = __file__


def run(function, *inputs):
    """``function(*inputs)`` on the emulated GPU: (its outputs on the host, the ids of those that
    stayed on the device, the findings)."""
    with emulated(STUDENT) as findings:
        output = function(*to_device(inputs))
    host, on_device = to_host(output)
    return host, on_device, [str(finding) for finding in findings]


def x64(*shape: int, seed: int = 0) -> torch.Tensor:
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


# ------------------------------------------------------------------ code that follows the device
def follows_the_device(x):
    zeros = torch.zeros(x.shape, dtype=x.dtype, device=x.device)
    ones = torch.ones_like(x) + x.new_zeros(x.shape)
    shifted = x - x.amax(dim=-1, keepdim=True)
    picked = shifted[:, torch.tensor([0, 2])]  # CPU indices may index a GPU tensor
    scalar = torch.tensor(2.0, dtype=torch.float64)  # 0-dim CPU tensors meet GPU tensors
    masked = torch.where(shifted > -1, shifted, 0.0)  # the scalar becomes a tensor inside torch
    return (zeros + ones * masked * scalar).sum(dim=-1) + picked.sum(dim=-1) + x.mean()


def test_device_following_code_gives_the_cpu_values_on_the_device_with_no_findings():
    x = x64(4, 3)
    (host, on_device, findings) = run(follows_the_device, x)
    assert findings == []
    assert id(host) in on_device
    torch.testing.assert_close(host, follows_the_device(x), rtol=0, atol=0)


def test_device_tensors_report_the_emulated_device_and_keep_dtype_and_shape():
    (x,) = to_device((x64(2, 5),))
    assert type(x) is OnDevice and x.device == emulated_gpu.DEVICE
    assert (x.dtype, x.shape) == (torch.float64, torch.Size([2, 5]))
    with emulated(STUDENT):
        assert type(x.new_zeros(3)) is OnDevice
        assert type(torch.zeros(3, device=x.device)) is OnDevice
        assert type(torch.tensor([1.0, 2.0], device=x.device)) is OnDevice
        assert type(torch.zeros(3).to(x.device)) is OnDevice
        assert type(torch.zeros(3).to(x)) is OnDevice
        assert float(x.sum()) == pytest.approx(float(emulated_gpu.host_of(x).sum()))


def test_gradients_and_second_derivatives_match_the_cpu():
    def energy(x):
        return (x.sin() * x.square()).sum()

    def second(x):
        (grad,) = torch.autograd.grad(energy(x), x, create_graph=True)
        (hessian_row_sums,) = torch.autograd.grad(grad.sum(), x)
        return grad.detach(), hessian_row_sums

    x = x64(5)
    (host, on_device, findings) = run(second, x.clone().requires_grad_(True))
    expected = second(x.clone().requires_grad_(True))
    assert findings == [] and all(id(item) in on_device for item in host)
    for got, want in zip(host, expected, strict=True):
        torch.testing.assert_close(got, want, rtol=0, atol=0)


@pytest.mark.filterwarnings("ignore:Sparse:UserWarning")  # torch's beta and invariant notices
def test_sparse_matrices_built_on_the_device_work_in_both_layouts():
    def sparse_diagonal(x, layout):
        index = torch.arange(x.shape[0], device=x.device)
        matrix = torch.sparse_coo_tensor(torch.stack([index, index]), x, (x.shape[0],) * 2)
        matrix = matrix.coalesce() if layout == "coo" else matrix.to_sparse_csr()
        return matrix @ x

    x = x64(4)
    for layout in ("coo", "csr"):
        (host, on_device, findings) = run(lambda v, layout=layout: sparse_diagonal(v, layout), x)
        assert findings == [] and id(host) in on_device
        torch.testing.assert_close(host, x * x, rtol=0, atol=0)


# ------------------------------------------------------------------- code that breaks on a GPU
def hard_coded_cpu(x):
    buffer = torch.zeros(x.shape, device="cpu", dtype=x.dtype)
    return buffer + x


def test_a_tensor_made_on_the_cpu_meeting_the_input_fails_as_on_cuda_naming_where_it_was_made():
    with pytest.raises(DeviceError) as raised:
        run(hard_coded_cpu, x64(3))
    line = hard_coded_cpu.__code__.co_firstlineno + 1
    assert f"torch.zeros at line {line}, on the CPU (shape [3])" in str(raised.value)
    assert "device=x.device" in str(raised.value)


def test_a_label_follows_what_is_computed_from_the_cpu_tensor():
    def derived(x):
        steps = torch.arange(x.shape[0])
        return x * (steps * 2 + 1)

    with pytest.raises(DeviceError, match=r"torch\.arange at line \d+, on the CPU"):
        run(derived, x64(3))


def test_numpy_of_a_device_tensor_fails_and_cpu_copies_are_noted():
    def numpy_round_trip(x):
        return torch.from_numpy(x.numpy() * 2)

    def host_round_trip(x):
        return (x.cpu() * 2).to(x.device)

    with pytest.raises(TypeError, match=r"on a GPU, \.numpy\(\) fails"):
        run(numpy_round_trip, x64(3))
    (host, on_device, findings) = run(host_round_trip, x64(3))
    assert id(host) in on_device
    line = host_round_trip.__code__.co_firstlineno + 1
    assert findings == [f"line {line}: {emulated_gpu.HOST_COPY}"]


def test_what_torch_returns_on_the_cpu_is_an_output_off_the_device():
    (host, on_device, findings) = run(lambda x: x.sum().item() * torch.ones(2), x64(3))
    assert id(host) not in on_device and findings == []


# ------------------------------------------------------------------------------- float64 digits
def test_a_float32_constant_that_lost_digits_is_noted_an_exact_one_is_not():
    def lossy(x):
        return x * torch.tensor([0.1, 0.2, 0.3], device=x.device)

    def exact(x):
        return x * torch.tensor([0.5, 2.0, -1.0], device=x.device) + torch.linspace(0, 1, 3)[0]

    findings = run(lossy, x64(3))[2]
    line = lossy.__code__.co_firstlineno + 1
    assert findings == [
        f"torch.tensor at line {line} makes float32 values that float64 cannot get back; "
        f"{emulated_gpu.DTYPE_FIX}"
    ]
    assert run(exact, x64(3))[2] == []


def test_writing_float64_values_into_a_float32_tensor_is_noted():
    def accumulates_in_float32(x):
        total = torch.zeros(x.shape[1:], device=x.device)
        total += x.sum(dim=0)
        return total

    def scalar_meets_float32(x):
        return x.sum() * torch.ones(3, device=x.device)  # float32 wins over a 0-dim float64

    def casts_down(x):
        return x.float().double()

    def assigns_into_float32(x):
        buffer = torch.zeros(x.shape, device=x.device)
        buffer[:] = x
        return buffer.to(x.dtype)

    for function, operation in (
        (accumulates_in_float32, "add_"),
        (scalar_meets_float32, "mul"),
        (casts_down, ".to() (or .float())"),
        (assigns_into_float32, "copy_ (or x[...] = ...)"),
    ):
        findings = run(function, x64(2, 3))[2]
        assert len(findings) == 1, findings
        assert f"{operation} turns float64 values into float32" in findings[0]


def test_float32_inputs_are_not_float64_findings():
    def float32_constant(x):
        return x * torch.tensor([0.1, 0.2, 0.3], device=x.device)

    assert run(float32_constant, x64(3).float())[2] == []


# ---------------------------------------------------------------------------- only the student
def test_what_the_grader_does_is_not_a_finding():
    from autograder import plain  # grader code that copies to the host, called from here

    assert len(run(lambda x: x.cpu(), x64(3))[2]) == 1  # this file's own copy counts
    assert run(lambda x: plain._encode_tensor(x), x64(3))[2] == []  # calls x.cpu()


def test_ops_outside_the_emulation_are_unchanged():
    (x,) = to_device((x64(3),))
    assert math.isclose(float((x * 2).sum()), float(emulated_gpu.host_of(x).sum() * 2))


def test_warm_up_runs_an_operation_without_importing_distributed_tensors_or_sympy():
    """What the zygote does before forking workers: cheap, and nothing is left behind."""
    script = (
        "import sys, torch\n"
        "from autograder import emulated_gpu\n"
        "emulated_gpu.warm_up()\n"
        "assert 'sympy' not in sys.modules and emulated_gpu.DISTRIBUTED not in sys.modules\n"
        "(x,) = emulated_gpu.to_device((torch.ones(2),))\n"
        "assert float((x * 3).sum()) == 6.0\n"
        "import torch.distributed.tensor\n"
        "print(torch.distributed.tensor.DTensor.__name__)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "DTensor"

"""The worker: the only process that runs student code.

It is forked from the zygote (which has already imported torch) once per exercise. It hardens
itself (``autograder.sandbox``), sends its standard output and error into two pipes the parent reads
(``autograder.output``), loads the submitted week module from its file, runs the exercise's probe on
each case and sends one message per case back as plain data (``autograder.plain``): first
``{"kind": "loaded", "notes": [...]}`` or a load failure, then ``{"kind": "case", ...}`` per case,
then ``{"kind": "done"}``. The parent never trusts anything else it might receive.

After the import and around every call into student code, global state is put back and threads
left running are stopped (``autograder.guard``); what the code changed, and what the sandbox
refused, become notes. None of it fails a case: only the outputs do.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import importlib.util
import os
import random
import sys
import traceback
import types
from typing import Any

import numpy as np
import torch

from autograder import emulated_gpu, plain, sandbox, zygote
from autograder.case import EMULATED_GPU, Case, cast_inputs
from autograder.exercise import Exercise
from autograder.forbidden import banned_table
from autograder.guard import CallGuard, StateKeeper
from autograder.probe import ProbeContext, modified_inputs, snapshot
from autograder.registry import all_exercises, exercise_by_id


def prepare() -> None:
    """Do once, in the process workers are forked from, what every worker would otherwise repeat.

    Imports every week's exercise definitions (and what they import) and resolves their forbidden
    names (``forbidden.banned_table``), so that a worker starts with both in memory, and runs one
    operation on the emulated GPU (``emulated_gpu.warm_up``). The zygote calls it before it forks
    any worker; calling it again changes nothing. It imports neither ``ml4p_ref`` nor
    ``solutions`` (the exercise definitions import the reference only when a hint runs, which is
    in the parent).
    """
    for exercise in all_exercises():
        banned_table(tuple(exercise.forbidden))
    emulated_gpu.warm_up()


def main(connection, stdout, stderr, job: bytes) -> None:
    """Entry point in the worker process: ``job`` is the parent's request, as ``plain.dumps`` bytes;
    ``stdout`` and ``stderr`` are the write ends of the parent's output pipes."""
    request = plain.loads(job)
    exercise = exercise_by_id(request["exercise"])  # the probes are trusted grader code
    banned_table(tuple(exercise.forbidden))  # resolved before any student code runs (prepared)
    _redirect_output(stdout, stderr)
    workdir = request["workdir"]
    sys.dont_write_bytecode = True  # no __pycache__ next to the submission
    refused: list[str] = []  # what the sandbox refused, for the notes
    if request["sandboxed"]:
        secret = sandbox.secret_roots()
        sandbox.limit_process(workdir, sandbox.Limits(**request["limits"]))
        _load_matplotlib_if_used(request["path"])
        refused = sandbox.install_audit_hook(
            workdir,
            allowed_reads=[request["path"]],
            secret=secret,
            private=request["private"],
            own=request["own"],
        )
        sandbox.hide_grader_modules(refused)
    else:
        os.chdir(workdir)
    _setup_torch(request["cases"])
    _seed_generators(request["exercise"])
    keeper = StateKeeper(refused)
    send = _sender(connection)
    try:
        impl = _load(request, send, keeper)
        if impl is not None:
            for case in request["cases"]:
                send(_run_case(impl, case, request, exercise, keeper))
        _end_output()
        send({"kind": "done"})
    finally:
        _flush_output()
        connection.close()


def _load_matplotlib_if_used(path: str) -> None:
    """Import matplotlib before the sandbox is in place when the submission mentions it (and the
    zygote did not preload it): see ``autograder.plotting``."""
    if "matplotlib.pyplot" in sys.modules or not zygote.uses_matplotlib([path]):
        return
    with contextlib.suppress(Exception):  # a broken matplotlib is the student's import error
        importlib.import_module("autograder.plotting")


def _redirect_output(stdout, stderr) -> None:
    for connection, descriptor in ((stdout, 1), (stderr, 2)):
        os.dup2(connection.fileno(), descriptor)
        connection.close()


def _end_output() -> None:
    """Flush and close standard output and error (later writes go to /dev/null): the parent has
    read all of them once it reads the last message, and need not wait for this process to end."""
    _flush_output()
    devnull = os.open(os.devnull, os.O_WRONLY)
    for descriptor in (1, 2):
        os.dup2(devnull, descriptor)
    os.close(devnull)


def _flush_output() -> None:
    for stream in (sys.__stdout__, sys.__stderr__):
        with contextlib.suppress(Exception):
            stream.flush()


def _seed_generators(exercise_id: str) -> None:
    """Seed torch's, numpy's and Python's global generators from the exercise's id, before the
    state kept as pristine is taken: code that draws its own random numbers (which no exercise
    allows) gets the same draws, and so the same report, every time. torch seeds its generator at
    random when imported."""
    seed = int.from_bytes(hashlib.sha256(exercise_id.encode()).digest()[:4], "little")
    torch.manual_seed(seed)
    np.random.seed(seed)
    random.seed(seed)


def _setup_torch(cases: list[dict[str, Any]]) -> None:
    """One thread, TF32 off; on CUDA, deterministic algorithms where torch has them (curriculum
    section 2.4: a warning where it has none, so the code still runs)."""
    torch.set_num_threads(1)
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    if any(case["device"] == "cuda" for case in cases):
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")  # before CUDA starts
        torch.use_deterministic_algorithms(True, warn_only=True)


def _sender(connection):
    def send(message: dict[str, Any]) -> None:
        connection.send_bytes(plain.dumps(message))

    return send


def _load(request: dict[str, Any], send, keeper: StateKeeper) -> Any:
    path, attribute = request["path"], request["attribute"]
    filename = os.path.basename(path)
    if not os.path.exists(path):
        send({"kind": "load_failed", "status": "missing", "message": f"{path} not found"})
        return None
    try:
        module = _import_from_source(request["module"], path)
    except BaseException as error:
        message = f"importing {filename} failed: {_describe_import_error(error, path)}"
        send({"kind": "load_failed", "status": "error", "message": message})
        return None
    notes = keeper.settle("at import")
    if not hasattr(module, attribute):
        message = f"{filename} defines no {attribute!r}"
        send({"kind": "load_failed", "status": "missing", "message": message})
        return None
    send({"kind": "loaded", "notes": notes})
    return getattr(module, attribute)


def _import_from_source(name: str, path: str) -> types.ModuleType:
    """Import the submitted file from its source (never a cached ``.pyc`` next to it)."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    with open(path, encoding="utf-8", errors="replace") as file:
        source = file.read()
    exec(compile(source, path, "exec"), module.__dict__)
    return module


def _describe_import_error(error: BaseException, path: str) -> str:
    if isinstance(error, ModuleNotFoundError) and error.name:
        return (
            f"it imports {error.name!r}, which the course environment does not have "
            f"({_describe(error, path)}); remove the import or use what the course provides"
        )
    return _describe(error, path)


def _run_case(
    impl: Any, case: dict[str, Any], request: dict[str, Any], exercise: Exercise, keeper
) -> dict[str, Any]:
    emulated = case["device"] == EMULATED_GPU
    device = "cpu" if emulated else case["device"]
    inputs = cast_inputs(case["inputs"], _dtype(case["dtype"]), device, case["numpy"])
    if emulated:
        inputs = emulated_gpu.to_device(inputs)
    before = snapshot(inputs)
    guard = CallGuard(exercise, request["path"], keeper)
    ctx = ProbeContext(case["key"], tuple(case["grad"]), guard=guard)
    message = {"kind": "case", "name": case["name"]}
    findings: list = []
    try:
        with _on_device(emulated, request["path"]) as findings:
            observations = exercise.probe(impl, inputs, ctx)
        observations, on_device = emulated_gpu.to_host(observations)
        message["observations"] = {
            key: plain.encode(value, on_device, EMULATED_GPU) for key, value in observations.items()
        }
        message["outcome"] = "ok"
        message["modified"] = modified_inputs(before, inputs)
    except BaseException as error:
        message.update(_failure(error, ctx, request["path"]))
    message["findings"] = [str(finding) for finding in findings]
    message["violations"] = guard.violations()
    message["notes"] = guard.notes
    return message


def _on_device(emulated: bool, student_file: str) -> contextlib.AbstractContextManager:
    """The emulated GPU around a case that runs on it (yields its findings), else nothing."""
    return emulated_gpu.emulated(student_file) if emulated else contextlib.nullcontext([])


def _failure(error: BaseException, ctx: ProbeContext, student_file: str) -> dict[str, str]:
    """How a case ended when its probe raised: in the student's code, or while the probe handled
    what the code returned (then the message is about that output)."""
    if _from_student(error, ctx):
        outcome = outcome_of(error)
        text = str(error) if outcome == "not_implemented" else _describe(error, student_file)
        return {"outcome": outcome, "error": text or type(error).__name__}
    if outcome_of(error) == "memory":
        return {"outcome": "memory", "error": _describe(error, student_file)}
    text = f"{type(error).__name__}: {error}".strip()
    return {"outcome": "unusable", "error": _shorten(text)}


def _from_student(error: BaseException, ctx: ProbeContext) -> bool:
    seen = set()
    while error is not None and id(error) not in seen:
        if error is ctx.student_error:
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def outcome_of(error: BaseException) -> str:
    """How a case ended when the code under test raised ``error``."""
    if isinstance(error, NotImplementedError):
        return "not_implemented"
    if isinstance(error, (sandbox.SandboxViolation, sandbox.RefusedImport)):
        return "sandbox"
    if isinstance(error, MemoryError) or "can't allocate memory" in str(error):
        return "memory"
    if isinstance(error, OSError) and error.errno == errno.EFBIG:
        return "file_size"
    if isinstance(error, (SystemExit, KeyboardInterrupt)):
        return "exit"
    return "raised"


def _dtype(name: str) -> torch.dtype:
    return getattr(torch, name)


def _describe(error: BaseException, student_file: str) -> str:
    """``ValueError: bad shape (line 12)``: the exception and the deepest line of the student's file."""
    line = None
    for frame, lineno in traceback.walk_tb(error.__traceback__):
        if frame.f_code.co_filename == student_file:
            line = lineno
    text = _shorten(f"{type(error).__name__}: {error}".strip())
    return f"{text} (line {line})" if line else text


def _shorten(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[:limit] + "..."


def describe_case(case: Case) -> dict[str, Any]:
    """The part of a case the worker needs, as plain data."""
    return {
        "name": case.name,
        "key": case.on("cpu").name,  # seeds the probe's random directions, the same on every device
        "inputs": dict(case.inputs),
        "dtype": str(case.dtype).removeprefix("torch."),
        "device": case.device,
        "numpy": case.numpy,
        "grad": list(case.grad),
    }

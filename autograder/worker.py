"""The worker: the only process that runs student code.

It is started (forked from a server that has already imported torch) once per exercise. It loads the
submitted week module from its file, runs the exercise's probe on each case, and sends one message
per case back as plain data (see ``autograder.plain``): first ``{"kind": "loaded"}`` or a load
failure, then ``{"kind": "case", ...}`` per case, then ``{"kind": "done"}``. The parent never trusts
anything else it might receive.
"""

from __future__ import annotations

import errno
import importlib.util
import os
import sys
import traceback
from typing import Any

import torch

from autograder import plain, sandbox
from autograder.case import Case, cast_inputs
from autograder.exercise import Exercise
from autograder.forbidden import ForbiddenWatch
from autograder.probe import ProbeContext, modified_inputs, snapshot
from autograder.registry import exercise_by_id
from autograder.state import GlobalState, RandomState

OUTPUT_FILE = "output.txt"  # the worker's stdout and stderr, inside its working directory


def main(connection, job: bytes) -> None:
    """Entry point in the worker process: ``job`` is the parent's request, as ``plain.dumps`` bytes."""
    request = plain.loads(job)
    exercise = exercise_by_id(request["exercise"])  # the probes are trusted grader code
    workdir = request["workdir"]
    sys.dont_write_bytecode = True  # no __pycache__ next to the submission
    if request["sandboxed"]:
        secret = sandbox.secret_roots()
        sandbox.limit_process(workdir, sandbox.Limits(**request["limits"]))
    else:
        os.chdir(workdir)
    _setup_torch_and_output(os.path.join(workdir, OUTPUT_FILE))
    pristine = GlobalState()
    if request["sandboxed"]:
        sandbox.hide_grader_modules()
        sandbox.install_audit_hook(workdir, allowed_reads=[request["path"]], secret=secret)
    send = _sender(connection)
    try:
        impl = _load(request, send, pristine)
        if impl is not None:
            for case in request["cases"]:
                send(_run_case(impl, case, request, exercise, pristine))
        send({"kind": "done"})
    finally:
        connection.close()


def _setup_torch_and_output(output_path: str) -> None:
    torch.set_num_threads(1)
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    output = os.open(output_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(output, 1)
    os.dup2(output, 2)
    os.close(output)


class CallGuard:
    """Around each call into student code: the forbidden-API watch, and global state put back."""

    def __init__(self, watch: ForbiddenWatch, pristine: GlobalState):
        self.watch = watch
        self.pristine = pristine
        self.side_effects: list[str] = []

    def __enter__(self) -> CallGuard:
        self.random = RandomState()
        self.watch.__enter__()
        return self

    def __exit__(self, *exc_info) -> bool:
        try:
            self.watch.__exit__(*exc_info)
        finally:
            for change in self.pristine.restore():
                if change not in self.side_effects:
                    self.side_effects.append(change)
            self.random.restore()
        return False


def _sender(connection):
    def send(message: dict[str, Any]) -> None:
        connection.send_bytes(plain.dumps(message))

    return send


def _load(request: dict[str, Any], send, pristine: GlobalState) -> Any:
    path, attribute = request["path"], request["attribute"]
    if not os.path.exists(path):
        send({"kind": "load_failed", "status": "missing", "message": f"{path} not found"})
        return None
    try:
        spec = importlib.util.spec_from_file_location(request["module"], path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[request["module"]] = module
        spec.loader.exec_module(module)
    except BaseException as error:
        message = f"importing {os.path.basename(path)} failed: {_describe(error, path)}"
        send({"kind": "load_failed", "status": "error", "message": message})
        return None
    changes = pristine.restore()
    if changes:
        message = f"importing {os.path.basename(path)} changed global state: {'; '.join(changes)}"
        send({"kind": "load_failed", "status": "error", "message": message})
        return None
    if not hasattr(module, attribute):
        message = f"{os.path.basename(path)} defines no {attribute!r}"
        send({"kind": "load_failed", "status": "missing", "message": message})
        return None
    send({"kind": "loaded"})
    return getattr(module, attribute)


def _run_case(
    impl: Any, case: dict[str, Any], request: dict[str, Any], exercise: Exercise, pristine
) -> dict[str, Any]:
    inputs = cast_inputs(case["inputs"], _dtype(case["dtype"]), case["device"], case["numpy"])
    before = snapshot(inputs)
    guard = CallGuard(ForbiddenWatch(exercise.forbidden, request["path"]), pristine)
    ctx = ProbeContext(case["key"], tuple(case["grad"]), guard=lambda: guard)
    message = {"kind": "case", "name": case["name"]}
    try:
        observations = exercise.probe(impl, inputs, ctx)
        message["outcome"] = "ok"
        message["observations"] = {key: plain.encode(value) for key, value in observations.items()}
        message["modified"] = modified_inputs(before, inputs)
    except BaseException as error:
        outcome = outcome_of(error)
        text = str(error) if outcome == "not_implemented" else _describe(error, request["path"])
        message.update(outcome=outcome, error=text or type(error).__name__)
    message["violations"] = [[v.line, v.name] for v in sorted(guard.watch.violations)]
    message["side_effects"] = guard.side_effects
    return message


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
    text = f"{type(error).__name__}: {error}".strip()
    if len(text) > 300:
        text = text[:300] + "..."
    return f"{text} (line {line})" if line else text


def describe_case(case: Case) -> dict[str, Any]:
    """The part of a case the worker needs, as plain data."""
    return {
        "name": case.name,
        "key": case.on("cpu").name,  # seeds the probe's random directions, the same on every device
        "inputs": case.inputs(),
        "dtype": str(case.dtype).removeprefix("torch."),
        "device": case.device,
        "numpy": case.numpy,
        "grad": list(case.grad),
    }

"""The worker: the only process that runs student code.

It is started (forked from a server that has already imported torch) once per exercise. It loads the
submitted week module from its file, runs the exercise's probe on each case, and sends one message
per case back as plain data (see ``autograder.plain``): first ``{"kind": "loaded"}`` or a load
failure, then ``{"kind": "case", ...}`` per case, then ``{"kind": "done"}``. The parent never trusts
anything else it might receive.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import traceback
from typing import Any

import torch

from autograder import plain
from autograder.case import Case, cast_inputs
from autograder.forbidden import ForbiddenWatch
from autograder.probe import ProbeContext, modified_inputs, snapshot

OUTPUT_FILE = "output.txt"  # the worker's stdout and stderr, inside its working directory


def main(connection, job: bytes) -> None:
    """Entry point in the worker process: ``job`` is the parent's request, as ``plain.dumps`` bytes."""
    request = plain.loads(job)
    output_path = os.path.join(request["workdir"], OUTPUT_FILE)
    _setup_process(request["workdir"], output_path)
    send = _sender(connection)
    try:
        impl = _load(request, send)
        if impl is not None:
            for case in request["cases"]:
                send(_run_case(impl, case, request))
        send({"kind": "done"})
    finally:
        connection.close()


def _setup_process(workdir: str, output_path: str) -> None:
    os.chdir(workdir)
    torch.set_num_threads(1)
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    output = os.open(output_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(output, 1)
    os.dup2(output, 2)


def _sender(connection):
    def send(message: dict[str, Any]) -> None:
        connection.send_bytes(plain.dumps(message))

    return send


def _load(request: dict[str, Any], send) -> Any:
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
    if not hasattr(module, attribute):
        message = f"{os.path.basename(path)} defines no {attribute!r}"
        send({"kind": "load_failed", "status": "missing", "message": message})
        return None
    send({"kind": "loaded"})
    return getattr(module, attribute)


def _run_case(impl: Any, case: dict[str, Any], request: dict[str, Any]) -> dict[str, Any]:
    from autograder.registry import exercise_by_id  # the probes are trusted grader code

    exercise = exercise_by_id(request["exercise"])
    inputs = cast_inputs(case["inputs"], _dtype(case["dtype"]), case["device"], case["numpy"])
    before = snapshot(inputs)
    watch = ForbiddenWatch(exercise.forbidden, request["path"])
    ctx = ProbeContext(case["key"], tuple(case["grad"]), guard=lambda: watch)
    message = {"kind": "case", "name": case["name"], "violations": []}
    try:
        observations = exercise.probe(impl, inputs, ctx)
        message["outcome"] = "ok"
        message["observations"] = {key: plain.encode(value) for key, value in observations.items()}
        message["modified"] = modified_inputs(before, inputs)
    except NotImplementedError as error:
        message.update(outcome="not_implemented", error=str(error) or "NotImplementedError")
    except BaseException as error:
        message.update(outcome="raised", error=_describe(error, request["path"]))
    message["violations"] = [[v.line, v.name] for v in sorted(watch.violations)]
    return message


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

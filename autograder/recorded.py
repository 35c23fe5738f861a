"""Recorded reference outputs: grading the public cases where the hidden reference is not installed.

``ml4p record`` runs the reference (``ml4p_ref``) on every exercise's cases of the public seed and
writes ``autograder/recorded/<week module>.pt``: for each exercise and case (label and dtype; the
reference always runs in float64 on the CPU, so one recording serves every device), the reference's
observations in the worker's plain form (``plain.encode``), and a fingerprint of the inputs the
reference saw. A student repository has these files and no ``ml4p_ref``: there the grader compares
with the recording (public mode) and can grade the public seed only. Everything else (properties,
checks of the student's own outputs) runs live. The recording also holds a fingerprint of torch's
random streams: a torch that draws other numbers from the same seed would draw other cases, and is
refused with a message that names the version to install.
"""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path
from typing import Any

import numpy as np
import torch

from autograder import plain

PUBLIC_SEED = 1
"""The seed of the cases students can check themselves; grading with the reference defaults to 0."""
RECORD_DIR = Path(__file__).parent / "recorded"


class RecordingError(Exception):
    """The recording cannot serve this grading (another seed, another torch, stale): its text says
    what to do."""


def reference_installed() -> bool:
    """True where the hidden reference package can be imported (the instructor's and TA's side)."""
    return importlib.util.find_spec("ml4p_ref") is not None


def case_key(label: str, dtype: torch.dtype) -> str:
    return f"{label}|{str(dtype).removeprefix('torch.')}"


def fingerprint(value: Any) -> str:
    """A digest of every tensor, array and number in ``value`` (nested dicts and lists too)."""
    digest = hashlib.sha256()
    _feed(digest, value)
    return digest.hexdigest()[:32]


def _feed(digest, value: Any) -> None:
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu()
        digest.update(f"T{value.dtype}{tuple(value.shape)}".encode())
        digest.update(
            (value.to_dense() if value.is_sparse else value).contiguous().numpy().tobytes()
        )
    elif isinstance(value, np.ndarray):
        digest.update(
            f"A{value.dtype}{value.shape}".encode() + np.ascontiguousarray(value).tobytes()
        )
    elif isinstance(value, dict):
        for key in sorted(value, key=str):
            digest.update(f"K{key}".encode())
            _feed(digest, value[key])
    elif isinstance(value, (list, tuple)):
        digest.update(f"L{len(value)}".encode())
        for item in value:
            _feed(digest, item)
    else:
        digest.update(f"V{value!r}".encode())


def random_streams() -> str:
    """A fingerprint of what torch draws from fixed seeds (the draws cases and cotangents use)."""
    generator = torch.Generator().manual_seed(12345)
    draws = [
        torch.randn(257, generator=generator, dtype=torch.float64),
        torch.rand(257, generator=generator, dtype=torch.float64),
        torch.randint(1000, (257,), generator=generator),
    ]
    return fingerprint(draws)


def grading_seed(seed: int | None) -> int:
    """The seed to grade with: the one asked for, else 0 with the reference installed and the
    public seed without it. Without the reference, a seed other than the public one, or a torch
    that draws other numbers than the recording's, is a ``RecordingError``."""
    if reference_installed():
        return 0 if seed is None else seed
    seed = PUBLIC_SEED if seed is None else seed
    if seed != PUBLIC_SEED:
        raise RecordingError(
            f"without the hidden reference only the public seed {PUBLIC_SEED} can be graded "
            f"(asked: seed {seed}); the other seeds are the hidden grading"
        )
    return seed


# ----------------------------------------------------------------------------------------- writing
def record_module(module: str, exercises, folder: Path | None = None) -> Path:
    """Run the reference on the public cases of ``exercises`` (all of ``module``) and write them."""
    from autograder.case import reference_inputs
    from autograder.grade import build_cases, reference_outputs

    recording: dict[str, Any] = {
        "torch": torch.__version__.split("+")[0],
        "seed": PUBLIC_SEED,
        "random_streams": random_streams(),
        "exercises": {},
    }
    for exercise in exercises:
        cases = build_cases(exercise, PUBLIC_SEED, ("cpu",))
        recording["exercises"][exercise.id] = {
            case_key(case.label, case.dtype): {
                "fingerprint": fingerprint(reference_inputs(case)),
                "outputs": {name: plain.encode(value) for name, value in outputs.items()},
            }
            for case, outputs in reference_outputs(exercise, cases)
        }
    folder = folder or RECORD_DIR
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{module}.pt"
    torch.save(recording, path)
    return path


# ----------------------------------------------------------------------------------------- reading
_LOADED: dict[str, dict] = {}


def recorded_observations(exercise, cases, seed: int, folder: Path | None = None) -> dict:
    """The recorded reference observations per case name, as ``grade`` computes them live."""
    from autograder.case import reference_inputs

    recording = _recording(exercise.module, folder)
    if seed != recording["seed"]:
        raise RecordingError(
            f"without the hidden reference only the public seed {recording['seed']} can be "
            f"graded (asked: seed {seed})"
        )
    if recording["random_streams"] != random_streams():
        raise RecordingError(
            f"this torch ({torch.__version__}) draws other random numbers than torch "
            f"{recording['torch']}, which drew the recorded cases: pip install "
            f"torch=={recording['torch']}"
        )
    by_key = recording["exercises"].get(exercise.id)
    if by_key is None:
        raise RecordingError(f"{exercise.id} has no recorded reference: run ml4p record")
    observed = {}
    for case in cases:
        if not case.compare:
            observed[case.name] = {}
            continue
        entry = by_key.get(case_key(case.label, case.dtype))
        if entry is None or entry["fingerprint"] != fingerprint(reference_inputs(case)):
            raise RecordingError(
                f"{exercise.id}, case {case.label!r}: the recording is for other inputs: run "
                "ml4p record"
            )
        observed[case.name] = {k: plain.decode(v) for k, v in entry["outputs"].items()}
    return observed


def _recording(module: str, folder: Path | None) -> dict:
    path = (folder or RECORD_DIR) / f"{module}.pt"
    if str(path) not in _LOADED:
        if not path.is_file():
            raise RecordingError(f"{path} not found: without ml4p_ref, run ml4p record first")
        _LOADED[str(path)] = torch.load(path, weights_only=True)
    return _LOADED[str(path)]

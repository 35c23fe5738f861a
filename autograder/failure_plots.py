"""Pictures of a failure for ``ml4p grade --plots DIR``: the student's output against the reference's.

One PNG per exercise that lost points on a case compared with the reference, at most: the first
case whose values check (else its gradients check) failed, and the first array the student and the
reference both returned there (the first that differs, if one does). The picture follows the array's shape:

- a field (2-D, or more dims: its first 2-D slice; a convolution output, an attention matrix):
  student, reference and their difference as images;
- points in the plane (shape ``(N, 2)``; samples of a coupling layer): both point sets;
- anything else (a softmax row on large logits, a vector of residuals): the first row, entry by
  entry, the student's non-finite entries marked.

An exercise can draw its own picture instead (``Exercise.picture``, e.g. the PINN residual field
over the collocation points), returning False to leave a case to the generic one. Drawn by the trusted parent with matplotlib's Agg backend, from the
decoded observations only.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import torch

from autograder.case import Case
from autograder.compare import Outcome
from autograder.exercise import Exercise
from autograder.plain import Observed
from autograder.report import ExerciseResult

FIELD_MIN_SIDE = 8  # smaller matrices are drawn row by row


def draw_failure(
    exercise: Exercise,
    cases: list[Case],
    reference: Mapping[str, Mapping[str, Observed]],
    outcomes: list[Outcome],
    result: ExerciseResult,
    folder: Path,
) -> Path | None:
    """Write ``folder/<exercise id>.png`` for the first failing compared case; None when no case
    has arrays on both sides to draw."""
    failed = {check.name for check in result.checks if not check.passed}
    for case, outcome in zip(cases, outcomes, strict=True):
        for check, prefix in ((case.name, ""), (f"{case.name}, gradients", "grad:")):
            if check not in failed or outcome.observed is None:
                continue
            key = _common_array(outcome.observed, reference[case.name], prefix)
            if key is not None:
                yours, expected = outcome.observed[key].data, reference[case.name][key].data
                return _save_or_none(exercise, case, key, yours.double(), expected.double(), folder)
    return None


def _save_or_none(exercise, case, key, yours, expected, folder: Path) -> Path | None:
    """The picture, or None when matplotlib cannot draw these values: a picture is an extra and
    never costs the grading (``tests/test_failure_plots.py`` shows that pictures are drawn)."""
    try:
        return _save(exercise, case, key, yours, expected, folder)
    except Exception:
        import matplotlib.pyplot as plt

        plt.close("all")
        return None


def _common_array(yours: Mapping, expected: Mapping, prefix: str) -> str | None:
    """The first array key both sides hold with the same shape, one that differs if any does."""
    common = []
    for key, item in expected.items():
        mine = yours.get(key)
        if not key.startswith(prefix) or mine is None:
            continue
        both = (item, mine)
        if all(o.is_array and o.data is not None and not o.data.is_complex() for o in both):
            if tuple(mine.data.shape) == tuple(item.data.shape) and item.data.numel() > 0:
                common.append(key)
    differing = [key for key in common if not _same(yours[key].data, expected[key].data)]
    return (differing or common or [None])[0]


def _same(yours: torch.Tensor, expected: torch.Tensor) -> bool:
    return bool(torch.allclose(yours.double(), expected.double(), equal_nan=True))


def _save(exercise, case, key, yours, expected, folder: Path) -> Path:
    import matplotlib

    matplotlib.use("agg")  # files only, whatever the display
    import matplotlib.pyplot as plt

    figure = plt.figure(figsize=(10, 3.6), layout="constrained")
    if exercise.picture is not None and exercise.picture(figure, case, key, yours, expected):
        pass  # the exercise drew its own
    elif _is_field(yours):
        _field(figure, _first_slice(yours), _first_slice(expected))
    elif yours.dim() == 2 and yours.shape[1] == 2:
        _points(figure, yours, expected)
    else:
        _entries(figure, yours, expected)
    figure.suptitle(f"{exercise.id}: {case.name}: {key}", fontsize=10)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{exercise.id}.png"
    figure.savefig(path, dpi=90)
    plt.close(figure)
    return path


def _is_field(values: torch.Tensor) -> bool:
    return values.dim() >= 2 and min(values.shape[-2:]) >= FIELD_MIN_SIDE


def _first_slice(values: torch.Tensor) -> torch.Tensor:
    return values.reshape(-1, *values.shape[-2:])[0]


def _field(figure, yours: torch.Tensor, expected: torch.Tensor) -> None:
    finite = expected[expected.isfinite()]
    low, high = (float(finite.min()), float(finite.max())) if finite.numel() else (0.0, 1.0)
    panels = (("yours", yours), ("reference", expected), ("yours - reference", yours - expected))
    for index, (title, values) in enumerate(panels):
        axes = figure.add_subplot(1, 3, index + 1)
        limits = {} if index == 2 else {"vmin": low, "vmax": high}
        image = axes.imshow(values.numpy(), cmap="viridis", **limits)
        figure.colorbar(image, ax=axes, shrink=0.8)
        axes.set_title(title, fontsize=9)


def _points(figure, yours: torch.Tensor, expected: torch.Tensor) -> None:
    axes = figure.add_subplot(1, 1, 1)
    axes.scatter(*expected.T.numpy(), s=8, label="reference", alpha=0.6)
    axes.scatter(*yours.T.numpy(), s=8, label="yours", alpha=0.6, marker="x")
    axes.set_aspect("equal", adjustable="datalim")
    axes.legend(fontsize=8)


def _entries(figure, yours: torch.Tensor, expected: torch.Tensor) -> None:
    yours, expected = _first_row(yours), _first_row(expected)
    axes = figure.add_subplot(1, 1, 1)
    index = torch.arange(expected.numel()).numpy()
    axes.plot(index, expected.numpy(), "o-", label="reference", markersize=4)
    axes.plot(index, yours.numpy(), "x--", label="yours", markersize=6)
    bad = ~yours.isfinite()
    if bool(bad.any()):
        bottom = float(expected[expected.isfinite()].min()) if expected.isfinite().any() else 0.0
        marks = torch.full((int(bad.sum()),), bottom).numpy()
        axes.plot(index[bad.numpy()], marks, "rv", label="yours: nan or inf", markersize=8)
    axes.set_xlabel("entry")
    axes.legend(fontsize=8)


def _first_row(values: torch.Tensor) -> torch.Tensor:
    return values.reshape(-1) if values.dim() <= 1 else values.reshape(-1, values.shape[-1])[0]

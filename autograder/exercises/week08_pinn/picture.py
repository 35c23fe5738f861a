"""The picture of a failing PINN residual (``ml4p grade --plots``): the residual over the
collocation points (x, t), yours, the reference's and their difference."""

from __future__ import annotations

import torch

from autograder.case import Case


def residual_field(figure, case: Case, key: str, yours: torch.Tensor, expected: torch.Tensor):
    """Draws the residual field when ``key`` is the residual at the case's points ``xt``; False
    (the generic picture) otherwise."""
    points = case.inputs.get("xt")
    if key != "out" or points is None or yours.numel() != points.shape[0]:
        return False
    x, t = points[:, 0].numpy(), points[:, 1].numpy()
    finite = expected[expected.isfinite()]
    limits = (float(finite.min()), float(finite.max())) if finite.numel() else (None, None)
    panels = (
        ("yours", yours.reshape(-1), limits),
        ("reference", expected.reshape(-1), limits),
        ("yours - reference", (yours - expected).reshape(-1), (None, None)),
    )
    for index, (title, values, (low, high)) in enumerate(panels):
        axes = figure.add_subplot(1, 3, index + 1)
        dots = axes.scatter(x, t, c=values.numpy(), s=18, cmap="coolwarm", vmin=low, vmax=high)
        figure.colorbar(dots, ax=axes, shrink=0.8)
        axes.set(title=title, xlabel="x", ylabel="t")
    return True

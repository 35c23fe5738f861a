"""Hidden reference for week 4: symmetry built into the architecture, and averaging over a group."""

from __future__ import annotations

from collections.abc import Callable

import torch

# ---------------------------------------------------------------------- built into the architecture


# ------------------------------------------------------------------------------- averaging over a group


def z2_symmetrize(
    f: Callable[[torch.Tensor], torch.Tensor],
) -> Callable[[torch.Tensor], torch.Tensor]:
    """Reference for week04_symmetry.z2_symmetrize: the mean of f over the two group elements,
    evaluated on one batch that stacks x and -x."""

    def symmetrized(x: torch.Tensor) -> torch.Tensor:
        images = torch.stack([x, torch.neg(x)])  # (2, B, ...)
        values = torch.stack([f(image) for image in images.unbind(0)])
        return values.mean(dim=0)

    return symmetrized

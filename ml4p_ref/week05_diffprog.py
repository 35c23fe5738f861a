"""Hidden reference for week 5: automatic differentiation, the Ising model, thermodynamics."""

from __future__ import annotations

# ---------------------------------------------------------------------- automatic differentiation


# ------------------------------------------------------------------------------------ Ising model


# ---------------------------------------------------------------------- thermodynamics and ground states

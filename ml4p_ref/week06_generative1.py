"""Hidden reference for week 6: variational inference, gradient estimators, Boltzmann machines."""

from __future__ import annotations

# ------------------------------------------------------------------------------ variational inference


# ------------------------------------------------------------------- gradient estimators and RBMs

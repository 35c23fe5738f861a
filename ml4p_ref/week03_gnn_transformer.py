"""Hidden reference for week 3: graph networks and attention."""

from __future__ import annotations

# ---------------------------------------------------------------------------------- graph networks


# --------------------------------------------------------------------------------------- attention

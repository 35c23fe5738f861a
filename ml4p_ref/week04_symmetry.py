"""Hidden reference for week 4: symmetry built into the architecture, and averaging over a group."""

from __future__ import annotations

# ---------------------------------------------------------------------- built into the architecture


# ------------------------------------------------------------------------------- averaging over a group

"""graphs checks of week03_gnn_transformer (none yet)."""

EXERCISES: list = []

"""averaging checks of week04_symmetry (none yet)."""

EXERCISES: list = []

"""thermo checks of week05_diffprog (none yet)."""

EXERCISES: list = []

"""dynamics checks of week07_generative2 (none yet)."""

EXERCISES: list = []

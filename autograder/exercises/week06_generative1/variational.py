"""variational checks of week06_generative1 (none yet)."""

EXERCISES: list = []

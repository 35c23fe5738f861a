"""Week 4 checks, part 1 (symmetry built into the architecture), one file per exercise family:
``energy`` (invariant_energy, forces)."""

from autograder.exercises.week04_symmetry.energy import EXERCISES as ENERGY

EXERCISES = ENERGY

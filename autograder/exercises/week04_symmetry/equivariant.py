"""Week 4 checks, part 1 (symmetry built into the architecture), one file per exercise family:
``energy`` (invariant_energy, forces), ``slater`` (slater_logdet) and ``egnn`` (egnn_layer)."""

from autograder.exercises.week04_symmetry.egnn import EXERCISES as EGNN
from autograder.exercises.week04_symmetry.energy import EXERCISES as ENERGY
from autograder.exercises.week04_symmetry.slater import EXERCISES as SLATER

EXERCISES = ENERGY + SLATER + EGNN

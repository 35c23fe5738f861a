"""Week 4 checks, one file per part of the week: ``equivariant`` and ``averaging``."""

from autograder.exercises.week04_symmetry.averaging import EXERCISES as AVERAGING
from autograder.exercises.week04_symmetry.equivariant import EXERCISES as EQUIVARIANT

EXERCISES = EQUIVARIANT + AVERAGING

"""Week 4 checks, part 2 (averaging over a group), one file per exercise: ``z2``, ``orbit``,
``average`` and ``deep_sets``."""

from autograder.exercises.week04_symmetry.average import EXERCISES as AVERAGE
from autograder.exercises.week04_symmetry.deep_sets import EXERCISES as DEEP_SETS
from autograder.exercises.week04_symmetry.orbit import EXERCISES as ORBIT
from autograder.exercises.week04_symmetry.z2 import EXERCISES as Z2

EXERCISES = Z2 + ORBIT + AVERAGE + DEEP_SETS

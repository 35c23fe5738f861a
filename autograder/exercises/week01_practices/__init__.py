"""Week 1 checks: the softmax family (``softmax``), the binary cross-entropy (``bce``), the energy of
a Coulomb gas (``coulomb``) and a Metropolis step (``metropolis``)."""

from autograder.exercises.week01_practices.bce import EXERCISES as BCE
from autograder.exercises.week01_practices.coulomb import EXERCISES as COULOMB
from autograder.exercises.week01_practices.metropolis import EXERCISES as METROPOLIS
from autograder.exercises.week01_practices.softmax import EXERCISES as SOFTMAX

EXERCISES = SOFTMAX + BCE + COULOMB + METROPOLIS

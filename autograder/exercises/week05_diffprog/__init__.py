"""Week 5 checks, one file per part of the week: automatic differentiation by hand (``autodiff``), the exact Ising partition function (``ising``), thermodynamics and ground states by autograd (``thermo``), then the inverse Schrodinger problem (``inverse_schrodinger``)."""

from autograder.exercises.week05_diffprog.autodiff import EXERCISES as AUTODIFF
from autograder.exercises.week05_diffprog.inverse_schrodinger import EXERCISES as INVERSE
from autograder.exercises.week05_diffprog.ising import EXERCISES as ISING
from autograder.exercises.week05_diffprog.thermo import EXERCISES as THERMO

EXERCISES = AUTODIFF + ISING + THERMO + INVERSE

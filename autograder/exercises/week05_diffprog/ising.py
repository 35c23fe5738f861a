"""Week 5 checks of the exact Ising partition functions: the periodic chain (``ising1d``), and the
2-D torus by enumeration and by a column transfer matrix (``ising2d``)."""

from autograder.exercises.week05_diffprog.ising1d import EXERCISES as CHAIN
from autograder.exercises.week05_diffprog.ising2d import EXERCISES as TORUS

EXERCISES = CHAIN + TORUS

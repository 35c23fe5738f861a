"""Week 6 checks, one file per part of the week: variational inference (``variational``), gradient estimators and Boltzmann machines (``estimators``), and the optional autoregressive masks (``made``)."""

from autograder.exercises.week06_generative1.estimators import EXERCISES as ESTIMATORS
from autograder.exercises.week06_generative1.made import EXERCISES as MADE
from autograder.exercises.week06_generative1.variational import EXERCISES as VARIATIONAL

EXERCISES = VARIATIONAL + ESTIMATORS + MADE

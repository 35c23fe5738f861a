"""Week 3 checks, one file per part of the week: ``graphs`` and ``attention``."""

from autograder.exercises.week03_gnn_transformer.attention import EXERCISES as ATTENTION
from autograder.exercises.week03_gnn_transformer.graphs import EXERCISES as GRAPHS

EXERCISES = GRAPHS + ATTENTION

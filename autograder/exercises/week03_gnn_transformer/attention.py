"""Attention checks of week03_gnn_transformer, one file per exercise: ``sdpa`` (scaled dot-product
attention, and the helpers the others share), ``mha`` (multi-head attention), ``positions``
(sinusoidal position encodings)."""

from autograder.exercises.week03_gnn_transformer.mha import EXERCISES as MHA
from autograder.exercises.week03_gnn_transformer.positions import EXERCISES as POSITIONS
from autograder.exercises.week03_gnn_transformer.sdpa import EXERCISES as SDPA

EXERCISES = SDPA + MHA + POSITIONS

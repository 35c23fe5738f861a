"""Week 2 checks: numpy backprop by hand (``backprop``) and convolution as a sparse matrix (``conv``)."""

from autograder.exercises.week02_mlp_cnn.backprop import EXERCISES as BACKPROP
from autograder.exercises.week02_mlp_cnn.conv import EXERCISES as CONV

EXERCISES = BACKPROP + CONV

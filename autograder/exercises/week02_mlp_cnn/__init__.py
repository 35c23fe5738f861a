"""Week 2 checks: numpy backprop by hand (``backprop``, ``softmax_mean``), convolution as a sparse
matrix (``conv``), max pooling (``pooling``) and translation equivariance (``equivariance``)."""

from autograder.exercises.week02_mlp_cnn.backprop import EXERCISES as BACKPROP
from autograder.exercises.week02_mlp_cnn.conv import EXERCISES as CONV
from autograder.exercises.week02_mlp_cnn.pooling import EXERCISES as POOLING
from autograder.exercises.week02_mlp_cnn.softmax_mean import EXERCISES as SOFTMAX_MEAN

EXERCISES = BACKPROP + SOFTMAX_MEAN + CONV + POOLING

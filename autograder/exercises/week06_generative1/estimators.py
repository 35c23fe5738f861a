"""Week 6 checks of part 2: the gradient estimators (``score_function_grad``, ``pathwise_grad``,
``bernoulli_score_grad``, in ``gradient_estimators``) and the RBM free energy (``rbm``)."""

from autograder.exercises.week06_generative1.gradient_estimators import (
    EXERCISES as ESTIMATOR_EXERCISES,
)
from autograder.exercises.week06_generative1.rbm import EXERCISES as RBM_EXERCISES

EXERCISES: list = [*ESTIMATOR_EXERCISES, *RBM_EXERCISES]

"""dynamics checks of week07_generative2: the noising SDEs of diffusion models (``sde``)."""

from autograder.exercises.week07_generative2.sde import EXERCISES as SDE

EXERCISES: list = [*SDE]

"""Week 7 checks: the coupling layer of a normalizing flow (``coupling``) and denoising score
matching (``dsm``)."""

from autograder.exercises.week07_generative2.coupling import EXERCISES as COUPLING
from autograder.exercises.week07_generative2.dsm import EXERCISES as DSM

EXERCISES = COUPLING + DSM

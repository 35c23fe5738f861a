"""Week 7 checks: the coupling layer of a normalizing flow (``coupling``), denoising score
matching (``dsm``), flows composed, their densities and training (``flows``), and sampling by
dynamics: Hamiltonian Monte Carlo, Langevin, diffusion (``dynamics``)."""

from autograder.exercises.week07_generative2.coupling import EXERCISES as COUPLING
from autograder.exercises.week07_generative2.dsm import EXERCISES as DSM
from autograder.exercises.week07_generative2.dynamics import EXERCISES as DYNAMICS
from autograder.exercises.week07_generative2.flows import EXERCISES as FLOWS

EXERCISES = COUPLING + DSM + FLOWS + DYNAMICS

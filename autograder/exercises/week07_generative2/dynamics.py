"""dynamics checks of week07_generative2: the leapfrog step of Hamiltonian dynamics (``leapfrog``),
Hamiltonian Monte Carlo (``hmc``), Langevin sampling (``langevin``), annealed Langevin dynamics
(``annealed``) and the noising SDEs of diffusion models (``sde``)."""

from autograder.exercises.week07_generative2.annealed import EXERCISES as ANNEALED
from autograder.exercises.week07_generative2.hmc import EXERCISES as HMC
from autograder.exercises.week07_generative2.langevin import EXERCISES as LANGEVIN
from autograder.exercises.week07_generative2.leapfrog import EXERCISES as LEAPFROG
from autograder.exercises.week07_generative2.sde import EXERCISES as SDE

EXERCISES: list = [*LEAPFROG, *HMC, *LANGEVIN, *ANNEALED, *SDE]

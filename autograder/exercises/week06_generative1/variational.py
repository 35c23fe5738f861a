"""Variational inference checks of week06_generative1, one file per concept: the Gaussian KL and
the reparameterization trick (``gaussian``), the negative ELBO (``elbo``), the VAE loss (``vae``) and the variational free
energy (``free_energy``)."""

from autograder.exercises.week06_generative1.elbo import EXERCISES as ELBO
from autograder.exercises.week06_generative1.free_energy import EXERCISES as FREE_ENERGY
from autograder.exercises.week06_generative1.gaussian import EXERCISES as GAUSSIAN
from autograder.exercises.week06_generative1.vae import EXERCISES as VAE

EXERCISES: list = [*GAUSSIAN, *ELBO, *VAE, *FREE_ENERGY]

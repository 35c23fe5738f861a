"""Week 8 checks: the Burgers residual (``burgers``), the PINN loss built on it (``loss``), its
training points (``sampling``: boundary data, Latin hypercube) and the warm-up residuals of Newton
cooling and the heat equation (``warmups``)."""

from autograder.exercises.week08_pinn.burgers import EXERCISES as BURGERS
from autograder.exercises.week08_pinn.loss import EXERCISES as LOSS
from autograder.exercises.week08_pinn.sampling import EXERCISES as SAMPLING
from autograder.exercises.week08_pinn.warmups import EXERCISES as WARMUPS

EXERCISES = BURGERS + LOSS + SAMPLING + WARMUPS

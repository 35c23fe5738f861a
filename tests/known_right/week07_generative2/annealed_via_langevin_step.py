"""Runs each step through the module's own langevin_step, with sigma_b a fresh (B,) tensor."""

EXPECT = {"exercise": "week07_generative2.annealed_langevin"}


def annealed_langevin(x, score_fn, sigmas, n_steps, eps0, noises):
    smallest = float(sigmas[-1])
    for level in range(len(sigmas)):
        sigma = float(sigmas[level])
        sigma_b = x.new_full((x.shape[0],), sigma)
        step_size = eps0 * sigma**2 / smallest**2
        for step in range(n_steps):
            x = langevin_step(  # noqa: F821 (the solution's function, defined above)
                x, lambda y, s=sigma_b: score_fn(y, s), step_size, noises[level, step]
            )
    return x

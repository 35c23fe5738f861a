"""Mixes the conventions: drift eps with noise sqrt(2 eps) (the step of dx = score dt + sqrt(2) dW
with time step eps), where this course's step is eps/2."""

EXPECT = {
    "exercise": "week07_generative2.langevin_step",
    "check": "image-shaped x, float eps, float32",
    "message": r"output: .*hint: with the drift step eps/2 the noise is sqrt\(eps\) noise",
    "replace": {
        "    return x + 0.5 * eps * score_fn(x) + root * noise\n": (
            "    return x + eps * score_fn(x) + 2**0.5 * root * noise\n"
        )
    },
}

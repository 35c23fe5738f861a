"""Clamps logvar to [-10, 10] "against overflow": right for ordinary inputs, wrong at +-30."""

EXPECT = {
    "exercise": "week06_generative1.gaussian_kl_std_normal",
    "check": "logvar = +-30, float64",
    "message": r"output: 4/4 entries differ from the reference; worst at index \(1,\): yours 33023.6, expected 1.60297e\+13",
    "replace": {
        "    terms = mu.square()": "    logvar = logvar.clamp(-10, 10)\n    terms = mu.square()"
    },
}

"""Treats every likelihood other than 'bernoulli' as Gaussian instead of raising ValueError."""

EXPECT = {
    "exercise": "week06_generative1.vae_loss",
    "check": "likelihood='poisson', float64, raises ValueError",
    "message": r"likelihood='poisson' must raise ValueError; yours returned a value",
    "replace": {
        '    elif likelihood == "gaussian":\n': "    else:\n",
        "    else:\n        raise ValueError": "    if False:\n        raise ValueError",
    },
}

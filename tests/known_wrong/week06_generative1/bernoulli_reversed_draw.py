"""Draws x = 1 where u >= p: the sample has the wrong law, probability 1 - p of a one."""

EXPECT = {
    "exercise": "week06_generative1.bernoulli_score_grad",
    "check": "negative logit, float32",
    "message": r"differ from the reference.*hint: x_s = 1 where u_s < sigmoid\(theta\)",
    "replace": {"x = (u < p).to(u.dtype)": "x = (u >= p).to(u.dtype)"},
}

"""Shifts by the maximum even when it is not finite: an all -inf row gives nan, a +inf entry too."""

EXPECT = {
    "exercise": "week01_practices.logsumexp",
    "check": "all -inf row gives -inf, float64",
    "message": r"entries differ from the reference.*hint: when the maximum is not finite",
    "replace": {
        "    shift = torch.where(shift.isfinite(), shift, torch.zeros_like(shift))\n": "",
    },
}

"""Always drops the reduced axis, whatever keepdim says."""

EXPECT = {
    "exercise": "week01_practices.logsumexp",
    "check": "dim=0, keepdim, float64",
    "message": r"output: expected shape \[1, 3, 4\], got \[3, 4\]",
    "replace": {
        "    return result if keepdim else result.squeeze(dim)\n": "    return result.squeeze(dim)\n"
    },
}

"""An ``if __name__ == "__main__":`` self-test at the end of the file, which grading must not run."""

EXPECT = {
    "notes": [],
    "epilogue": (
        'if __name__ == "__main__":\n'
        "    import torch\n"
        "    torch.set_default_dtype(torch.float64)\n"
        "    raise SystemExit('the self-test must not run when the file is graded')\n"
    ),
}

"""Prints inside every graded function and method (debugging output)."""

EXPECT = {"notes": [], "in_body": "print('computing', flush=True)"}

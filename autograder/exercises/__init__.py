"""Grader definitions of every exercise, one module per week (cases, probe, forbidden APIs, hints)."""

"""Instructor solutions: the single source of every exercise (stubs are generated from here)."""

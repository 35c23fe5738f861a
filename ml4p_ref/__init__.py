"""Hidden reference implementations of every exercise.

Each module mirrors a week module of ``solutions/`` with the same public names and signatures, but is
written independently on the most trusted oracles (torch built-ins, autograd, closed forms). The grader
evaluates these in float64 on the CPU. This package is never shipped to students.
"""

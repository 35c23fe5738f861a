"""The nbgrader workflow on the same exercises, checks and scores as ``ml4p grade``.

- ``course``: ``ml4p nbgrader build`` writes an nbgrader course directory (configuration and one
  source notebook per week, made from ``solutions/``);
- ``cell``: what each notebook's hidden test cell calls: the grader, run on the notebook file;
- ``export``: ``ml4p nbgrader export``, the gradebook as a CSV with one column per exercise.

nbgrader itself is an optional dependency (``pip install -e ".[nbgrader]"``); only ``export`` needs it
in the grading process.
"""

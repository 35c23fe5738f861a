"""Reports for other systems: GitHub Actions (``github``), Gradescope (``gradescope``) and any CI
that reads JUnit XML (``junit``). Each module turns a :class:`autograder.report.Report` into text."""

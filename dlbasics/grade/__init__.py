"""Autograder: `dlbasics grade SUBMISSION.ipynb` or `dlbasics grade DIR/` (see grader.py)."""
from .grader import Limits, grade_submission  # noqa: F401

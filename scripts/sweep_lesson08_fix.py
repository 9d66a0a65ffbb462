"""Lesson 08, exercise 4: the course's fix must pass the check under any grader seed.

Runs the check's own produce/judge on the reference model for seeds 0..N-1 (default 20) and
prints each validation accuracy and the minimum (the bar is check.MIN_ACCURACY), and the gradient
ratio the check also requires (first over last hidden layer of the Dense chain, bar
check.MIN_GRADIENT_RATIO).

    nice -n 10 .venv/bin/python scripts/sweep_lesson08_fix.py 20
"""
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

from dlbasics.checks import lesson08 as check  # noqa: E402
from dlbasics.checks.core import Case  # noqa: E402

ex = check.EXERCISES[3]
n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
accuracies, ratios = [], []
for seed in range(n):
    case = Case("sweep", (), {"seed": seed})
    got = ex.run(ex.reference, case)
    problem = ex.judge(got, case)
    accuracies.append(ex.accuracy)
    ratios.append(got["gradient_ratio"])
    print(f"seed {seed:2d}: validation accuracy {ex.accuracy:.3f}, gradient ratio {ratios[-1]:.2g}"
          f"{'  FAILS: ' + problem if problem else ''}", flush=True)
print(f"minimum over {n} seeds {min(accuracies):.3f}, median {sorted(accuracies)[n // 2]:.3f} (bar {check.MIN_ACCURACY}); "
      f"gradient ratio {min(ratios):.2g} to {max(ratios):.2g} (bar {check.MIN_GRADIENT_RATIO:g})")

"""The autograder on every lesson, through the sandboxed runner: in one submission per lesson,
the exercises take turns being answered with the course's solution (full points), with a
plausible mistake (nothing, failed on its answer, not on a broken cell) or left untouched
(nothing, "not implemented").

One grading per lesson keeps the suite fast: the grader judges with the very `Exercise.judge`
that tests/test_checks.py runs in-process against every wrong answer and every solution (with the
randomized cases), except the solutions of checks that train a model, which the notebook's own
check cell proves (conftest.py); so here each role once per lesson proves the sandbox path. Roles
rotate with the lesson number, and the exercises whose cases carry a seed (the training ones among
them) always get the solution role: a seed the grader picks must not fail a correct answer (each
training bar was swept over >= 20 seeds when it was set), and for a training exercise this is the
run that proves its solution from the setup cell alone.
"""
import pytest

import wrong_answers
from dlbasics import build
from dlbasics.checks import lesson
from dlbasics.grade.grader import grade_submission
from grading import FAST, LESSON_FILES, by_number, solution_source, submission, seeded, wrong_source

ROLES = ("right", "wrong", "untouched")


def roles(number):
    """{exercise: role}: rotating, but an exercise whose cases carry a seed (every training one) is always right."""
    out = {}
    for ex in lesson(number).EXERCISES:
        out[ex.number] = "right" if seeded(ex) else ROLES[(ex.number + int(number)) % 3]
    return out


@pytest.mark.parametrize("number", sorted(LESSON_FILES))
def test_right_wrong_and_untouched_answers_get_what_they_deserve(number, tmp_path):
    role = roles(number)
    answers = {}
    for ex in lesson(number).EXERCISES:
        if role[ex.number] == "right":
            answers[ex.number] = solution_source(number, ex.number)
        elif role[ex.number] == "wrong":
            options = wrong_answers.WRONG[(number, ex.number)]
            answers[ex.number] = wrong_source(options[int(number) % len(options)], ex.title)
    result = grade_submission(submission(tmp_path, number, answers), limits=FAST)
    assert result["status"] == "graded" and len(result["exercises"]) == len(lesson(number).EXERCISES), result
    for n, e in by_number(result).items():
        if role[n] == "right":
            assert e["status"] == "passed" and e["points"] == e["max_points"], e
        elif role[n] == "untouched":
            assert e["status"] == "failed" and "not implemented" in e["message"], e
        else:       # failed on its answer, not on a broken cell
            assert e["status"] == "failed" and e["points"] == 0, e
            assert "not implemented" not in e["message"] and "exercise cell raised" not in e["message"], e
    right = sum(e["max_points"] for n, e in by_number(result).items() if role[n] == "right")
    assert result["score"] == right


def test_every_role_is_proven_somewhere():
    """Across the lessons, the grader sees each role often enough to mean something."""
    counts = {r: sum(list(roles(n).values()).count(r) for n in LESSON_FILES) for r in ROLES}
    assert min(counts.values()) >= 10, counts


def test_a_whole_solution_notebook_scores_full_marks():
    """The course's own solution notebook, as a file (not rebuilt from cells), gets every point."""
    result = grade_submission(build.ROOT / "solutions" / LESSON_FILES["19"], limits=FAST)
    assert result["status"] == "graded" and result["score"] == result["max_score"] > 0, result

"""The autograder on every lesson, through the sandboxed runner: the solution gets full marks;
a submission with some exercises untouched and the others answered with a plausible mistake
gets nothing, each for the right reason.

Two gradings per lesson keep the suite fast: the grader judges with the very `Exercise.judge`
that tests/test_checks.py runs against *every* wrong answer in-process, so here one wrong
answer per exercise (rotating through them by lesson) proves the sandbox path for each lesson.
"""
import pytest

import wrong_answers
from dlbasics import build
from dlbasics.checks import lesson
from dlbasics.grade.grader import grade_submission
from grading import FAST, LESSON_FILES, by_number, submission, wrong_source


@pytest.mark.parametrize("number", sorted(LESSON_FILES))
def test_solution_scores_full_marks(number):
    result = grade_submission(build.ROOT / "solutions" / LESSON_FILES[number], limits=FAST)
    assert result["status"] == "graded", result
    assert result["score"] == result["max_score"] == sum(e["max_points"] for e in result["exercises"]), \
        [(e["status"], e["message"]) for e in result["exercises"]]
    assert len(result["exercises"]) == len(lesson(number).EXERCISES)


@pytest.mark.parametrize("number", sorted(LESSON_FILES))
def test_untouched_and_wrong_answers_score_nothing(number, tmp_path):
    """Alternate exercises stay untouched (the stub) or get a plausible mistake."""
    exercises = lesson(number).EXERCISES
    answers, untouched = {}, set()
    for ex in exercises:
        if (ex.number + int(number)) % 2:
            untouched.add(ex.number)
        else:
            options = wrong_answers.WRONG[(number, ex.number)]
            answers[ex.number] = wrong_source(options[int(number) % len(options)], ex.title)
    result = grade_submission(submission(tmp_path, number, answers), limits=FAST)
    assert result["status"] == "graded" and result["score"] == 0 and result["max_score"] > 0, result
    for n, e in by_number(result).items():
        assert e["status"] == "failed", e
        if n in untouched:
            assert "not implemented" in e["message"], e
        else:       # failed on its answer, not on a broken cell
            assert "not implemented" not in e["message"] and "exercise cell raised" not in e["message"], e

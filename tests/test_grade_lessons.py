"""The autograder on every lesson: solutions get full marks, untouched lessons 0, and every
plausible mistake from the checks' tests less than full."""
import pytest

import wrong_answers
from dlbasics import build
from dlbasics.checks import lesson
from dlbasics.grade.grader import grade_submission
from grading import FAST, LESSON_FILES, submission, wrong_source


@pytest.mark.parametrize("number", sorted(LESSON_FILES))
def test_solution_scores_full_marks(number):
    result = grade_submission(build.ROOT / "solutions" / LESSON_FILES[number], limits=FAST)
    assert result["status"] == "graded", result
    assert result["score"] == result["max_score"] == len(lesson(number).EXERCISES), \
        [(e["status"], e["message"]) for e in result["exercises"]]


@pytest.mark.parametrize("number", sorted(LESSON_FILES))
def test_untouched_lesson_scores_zero(number):
    result = grade_submission(build.ROOT / "lessons" / LESSON_FILES[number], limits=FAST)
    assert result["score"] == 0 and result["max_score"] > 0
    assert all("not implemented" in e["message"] for e in result["exercises"])


@pytest.mark.parametrize("number", sorted(LESSON_FILES))
def test_wrong_answers_score_less_than_full(number, tmp_path):
    """Every plausible mistake from the checks' tests loses its exercise's points."""
    exercises = lesson(number).EXERCISES
    rounds = max(len(wrong_answers.WRONG[(number, ex.number)]) for ex in exercises)
    for k in range(rounds):
        answers = {}
        for ex in exercises:
            options = wrong_answers.WRONG[(number, ex.number)]
            answers[ex.number] = wrong_source(options[k % len(options)], ex.title)
        result = grade_submission(submission(tmp_path, number, answers), limits=FAST)
        assert result["score"] == 0, [(e["title"], e["status"], e["message"]) for e in result["exercises"]]
        for e in result["exercises"]:   # each failed on its answer, not on a broken cell
            assert e["status"] == "failed" and "exercise cell raised" not in e["message"], e

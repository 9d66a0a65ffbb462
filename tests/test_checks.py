"""Every exercise's check: passes the solution, fails the stub, fails every plausible mistake,
accepts other correct implementations, and explains bad input instead of crashing."""
import re

import numpy as np
import pytest

from dlbasics import build, notebook
from dlbasics.checks import lesson
from dlbasics.checks.core import CheckFailed
from grading import seeded
from wrong_answers import WRONG

LESSONS = [p.name for p in build.solution_paths()]
EXERCISES = [(name, ex) for name in LESSONS for ex in lesson(name[:2]).EXERCISES]
IDS = [f"{name[:2]}-ex{ex.number}" for name, ex in EXERCISES]


def learner_function(folder, name, ex):
    ns = notebook.run_exercise(build.ROOT / folder / name, ex.number)
    assert ex.title in ns, f"{folder}/{name}: exercise {ex.number} must define `{ex.title}`"
    return ns[ex.title]


# A check that trains the learner's model (`trains_a_model`) costs seconds, and two other runs prove
# its solution: the notebook's own check cell (conftest.py runs it on the solution, with these fixed
# cases) and the grader, which always gives a training exercise the right answer (its cases carry a
# seed), run from the setup cell alone in its sandbox with a random seed (test_grade_lessons.py).
QUICK = [(name, ex) for name, ex in EXERCISES if not ex.trains_a_model]


@pytest.mark.parametrize("name, ex", QUICK, ids=[f"{name[:2]}-ex{ex.number}" for name, ex in QUICK])
def test_solution_passes(name, ex, capsys):
    ex.check(learner_function("solutions", name, ex))
    assert "\u2705" in capsys.readouterr().out


def test_trained_solutions_are_proven_by_the_notebook_and_the_grader():
    """What test_solution_passes leaves out is proven elsewhere, and this test keeps it so: the
    notebook's check cell calls the check with its default (fixed) cases, in the lesson and the
    solution alike, and the grader's tests give the exercise the right answer."""
    from test_grade_lessons import roles

    trained = [(name, ex) for name, ex in EXERCISES if ex.trains_a_model]
    assert len(trained) >= 6, "the course's training exercises lost their `trains_a_model` flag?"
    for name, ex in trained:
        for folder in ("lessons", "solutions"):
            nb = notebook.read(build.ROOT / folder / name)
            calls = [c.source.strip() for c in nb.cells if build.role(c).get("check") == ex.number]
            assert calls == [f"check.exercise_{ex.number}({ex.title})"], (folder, name, calls)
        assert seeded(ex) and roles(name[:2])[ex.number] == "right", (name, ex.number)


@pytest.mark.parametrize("name, ex", EXERCISES, ids=IDS)
def test_solution_passes_randomized_cases(name, ex):
    """The grader's extra random cases are valid: the solution passes them for several seeds."""
    fixed = len(ex.cases())
    if len(ex.cases(np.random.default_rng(0))) == fixed:
        pytest.skip("no randomized cases (e.g. the check trains a model): the grader reuses the fixed ones")
    fn = learner_function("solutions", name, ex)
    for seed in range(3):       # only the extra cases: the fixed ones are run by test_solution_passes
        ex.check(fn, cases=ex.cases(np.random.default_rng(seed))[fixed:], quiet=True)


@pytest.mark.parametrize("name, ex", EXERCISES, ids=IDS)
def test_stub_fails(name, ex):
    with pytest.raises(CheckFailed, match="not implemented yet"):
        ex.check(learner_function("lessons", name, ex))


@pytest.mark.parametrize("name, ex", EXERCISES, ids=IDS)
def test_every_exercise_has_two_wrong_answers(name, ex):
    assert len(WRONG.get((name[:2], ex.number), [])) >= 2


WRONG_CASES = [(name, ex, fn) for name, ex in EXERCISES for fn in WRONG.get((name[:2], ex.number), [])]


@pytest.mark.parametrize("name, ex, fn", WRONG_CASES, ids=[f"{n[:2]}-ex{e.number}-{f.__name__}" for n, e, f in WRONG_CASES])
def test_wrong_answer_fails_with_a_hint(name, ex, fn):
    with pytest.raises(CheckFailed) as failure:
        ex.check(fn)
    message = str(failure.value)
    assert f"Exercise {ex.number}" in message and "case '" in message
    assert "Hint:" in message
    assert "Traceback" not in message


@pytest.mark.parametrize("name, ex", EXERCISES, ids=IDS)
def test_failure_never_shows_the_expected_values(name, ex):
    """Feed a wrong answer and make sure no expected number from the reference leaks out."""
    fn = WRONG[(name[:2], ex.number)][0]
    for case in ex.cases():
        problem = ex.try_case(fn, case)
        if not problem:
            continue
        try:
            want = np.atleast_1d(np.asarray(ex.reference(*case.args, **case.kwargs), dtype=float)).ravel()
        except (TypeError, ValueError, AttributeError, NotImplementedError):
            return  # not a numeric reference (e.g. a trained model's accuracy threshold)
        numbers = {float(m) for m in re.findall(r"-?\d+\.\d+|-?\d+", problem)}
        leaked = [w for w in want[:50] if not float(w).is_integer() and abs(w) > 1e-3
                  and round(float(w), 4) in {round(n, 4) for n in numbers}]
        assert not leaked, f"message reveals expected value(s) {leaked}: {problem}"
        return


@pytest.mark.parametrize("name, ex", EXERCISES, ids=IDS)
def test_passing_a_result_instead_of_the_function_is_explained(name, ex):
    with pytest.raises(CheckFailed, match="function .* itself"):
        ex.check(np.zeros(3))


# ---- other correct implementations pass (the checks test behaviour, not code) --------------
def test_alternative_implementations_pass():
    import scipy.special
    from sklearn.preprocessing import StandardScaler

    l00, l01, l02 = lesson("00"), lesson("01"), lesson("02")

    def sklearn_standardize(train, test):
        scaler = StandardScaler().fit(train)
        return scaler.transform(train), scaler.transform(test)

    l00.exercise_1(sklearn_standardize)
    l01.exercise_1(lambda x, w, b: scipy.special.expit(np.dot(x, w) + b))
    l01.exercise_2(lambda x, k, b, activation=None: (activation or (lambda z: z))(np.einsum("ni,iu->nu", x, k) + b))
    l01.exercise_3(lambda sizes: sum((a + 1) * b for a, b in zip(sizes, sizes[1:])))
    l01.exercise_4(lambda: ([[1, -1], [-1, 1]], [0, 0], [[1], [1]], [0]))   # relu(x1-x2) + relu(x2-x1), lists
    l02.exercise_1(scipy.special.expit)
    l02.exercise_2(lambda x, axis=-1: scipy.special.softmax(x, axis=axis))
    l02.exercise_3(scipy.special.log_expit)     # lesson 02 Ex3 is log_sigmoid now (was swish); more in tests/test_lesson02.py


def test_alternative_loss_implementations_pass():
    import scipy.special

    l03 = lesson("03")

    def huber_with_clip(y_true, y_pred, delta=1.0):
        e = np.abs(np.asarray(y_pred, float) - y_true)
        small = np.minimum(e, delta)
        return np.mean(0.5 * small**2 + delta * (e - small))   # a NumPy scalar, not a float

    def scce_scipy(labels, logits):
        z = np.asarray(logits, float)
        return np.mean(scipy.special.logsumexp(z, axis=1) - np.take_along_axis(z, np.asarray(labels, int)[:, None], 1)[:, 0])

    l03.exercise_1(huber_with_clip)
    l03.exercise_2(lambda y, z: np.mean(np.logaddexp(0, z) - y * np.asarray(z, float)))
    l03.exercise_3(scce_scipy)


def test_alternative_gradient_implementations_pass():
    l04 = lesson("04")

    def dense_backward_with_tape(x, W, b, grad_out, activation):
        import tensorflow as tf

        x, W, b = (tf.Variable(np.asarray(v, float)) for v in (x, W, b))
        with tf.GradientTape() as tape:
            a = tf.keras.activations.get(activation)(x @ W + b)
            out = tf.reduce_sum(a * grad_out)
        return [g.numpy() for g in tape.gradient(out, [x, W, b])]   # a list, not a tuple

    def numerical_gradient_vectorised(f, x, eps=1e-6):
        x = np.asarray(x, float)
        steps = np.eye(x.size).reshape((x.size,) + x.shape) * eps
        return np.array([(f(x + s) - f(x - s)) / (2 * eps) for s in steps]).reshape(x.shape)

    l04.exercise_1(dense_backward_with_tape)
    l04.exercise_3(numerical_gradient_vectorised)


def test_tensorflow_results_are_accepted():
    import tensorflow as tf

    lesson("02").exercise_1(lambda x: tf.math.sigmoid(tf.constant(x, tf.float64)))


def test_returning_none_says_return_is_missing():
    with pytest.raises(CheckFailed, match="forget `return`"):
        lesson("02").exercise_1(lambda x: None)


def test_learner_exception_is_reported_not_raised():
    def broken(x, axis=-1):
        raise ValueError("shapes do not align")

    with pytest.raises(CheckFailed, match="raised ValueError: shapes do not align"):
        lesson("02").exercise_2(broken)


def test_in_place_edit_of_input_is_caught():
    def edits_input(train, test):
        train -= train.mean(0)  # modifies the caller's array
        return train, test

    with pytest.raises(CheckFailed):
        lesson("00").exercise_1(edits_input)


def test_in_place_edit_of_a_copy_is_caught_too():
    """`produce` may hand the learner copies; an edit of those in place is still an edit in place,
    caught in every lesson (`Exercise.run` watches the arrays each call receives), unless the
    exercise allows it (`updates_in_place`, e.g. Adam's m and v, as Keras's optimizers do)."""
    from dlbasics.checks.core import Case, Exercise

    class Doubling(Exercise):
        number, title = 1, "double"

        def cases(self, rng=None):
            return [Case("three numbers", (np.arange(3.0),))]

        def produce(self, fn, case):
            return fn(case.args[0].copy(), scale=[np.ones(1)])

        def reference(self, x):
            return 2 * x

    def in_place(x, scale):
        x *= 2
        return x

    def in_a_list(x, scale):
        scale[0] += 1
        return 2 * x

    def fresh(x, scale):
        return 2 * x

    exercise = Doubling()
    for fn in (in_place, in_a_list):
        with pytest.raises(CheckFailed, match="changed its input in place"):
            exercise.check(fn, quiet=True)
    exercise.check(fresh, quiet=True)
    exercise.updates_in_place = True
    exercise.check(in_place, quiet=True)


def test_wrong_shape_is_explained():
    with pytest.raises(CheckFailed, match=r"has shape \(5,\), but .* should have shape \(3,\)"):
        lesson("02").exercise_2(lambda x, axis=-1: np.ones(5) / 5)


def test_ipython_shows_only_the_message():
    err = CheckFailed("Exercise 1 (x), case 'c': wrong.\nHint: h")
    assert err._render_traceback_() == ["\u274c Exercise 1 (x), case 'c': wrong.", "   Hint: h"]

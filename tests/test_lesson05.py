"""Lesson 05: other correct implementations pass; the Adam check is about Keras's epsilon."""
import numpy as np
import pytest

from dlbasics.checks import lesson
from dlbasics.checks.core import CheckFailed


def _all_cases(ex, fn):
    ex.check(fn, quiet=True)
    for seed in range(3):
        ex.check(fn, cases=ex.cases(np.random.default_rng(seed)), quiet=True)


def test_alternative_minibatch_iterators_pass():
    l05 = lesson("05")

    def with_choice(x, y, batch_size, rng):
        order = rng.choice(len(y), size=len(y), replace=False)
        return [(x[order[i:i + batch_size]], y[order[i:i + batch_size]]) for i in range(0, len(y), batch_size)]

    def with_shuffle_of_an_index(x, y, batch_size, rng):
        index = np.arange(len(y))
        rng.shuffle(index)                           # shuffles the index, not the data
        for batch in np.array_split(index, range(batch_size, len(y), batch_size)):
            yield x[batch], y[batch]

    for fn in (with_choice, with_shuffle_of_an_index):
        _all_cases(l05.EXERCISES[1], fn)


def test_alternative_gd_steps_pass():
    l05 = lesson("05")

    def with_einsum(w, b, x, y, lr):
        x = np.asarray(x, float)
        residual = np.einsum("nd,d->n", x, w) + b - y
        grad_w = 2 * np.einsum("nd,n->d", x, residual) / len(y)
        return w - lr * grad_w, b - lr * 2 * np.mean(residual)

    _all_cases(l05.EXERCISES[0], with_einsum)


def test_alternative_adam_forms_pass():
    """The paper's bias-corrected form passes once epsilon is scaled as Keras effectively does."""
    l05 = lesson("05")

    def paper_form_with_keras_epsilon(w, grad, m, v, t, lr, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
        m = beta_1 * m + (1 - beta_1) * grad
        v = beta_2 * v + (1 - beta_2) * np.square(grad)
        m_hat, v_hat = m / (1 - beta_1 ** t), v / (1 - beta_2 ** t)
        return w - lr * m_hat / (np.sqrt(v_hat) + epsilon / np.sqrt(1 - beta_2 ** t)), m, v

    def with_lists(w, grad, m, v, t, lr, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
        m = beta_1 * np.asarray(m) + (1 - beta_1) * np.asarray(grad)
        v = beta_2 * np.asarray(v) + (1 - beta_2) * np.asarray(grad) ** 2
        step = lr * np.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t) * m / (np.sqrt(v) + epsilon)
        return [np.asarray(w) - step, m.tolist(), v.tolist()]      # a list, m and v as lists

    for fn in (paper_form_with_keras_epsilon, with_lists):
        _all_cases(l05.EXERCISES[2], fn)


def test_the_paper_form_fails_only_where_epsilon_matters():
    l05 = lesson("05")
    ex = l05.EXERCISES[2]

    def paper_form(w, grad, m, v, t, lr, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
        m = beta_1 * m + (1 - beta_1) * grad
        v = beta_2 * v + (1 - beta_2) * grad ** 2
        return w - lr * (m / (1 - beta_1 ** t)) / (np.sqrt(v / (1 - beta_2 ** t)) + epsilon), m, v

    failing = [case.label for case in ex.cases() if ex.try_case(paper_form, case)]
    assert failing and all("epsilon" in label for label in failing), failing
    with pytest.raises(CheckFailed, match="keras.optimizers.Adam on a gradient of 1e-8"):
        ex.check(paper_form)


def test_more_alternatives_pass():
    l05 = lesson("05")

    def argsort_of_uniforms(x, y, batch_size, rng):
        order = np.argsort(rng.random(len(y)))
        return [(x[order[i:i + batch_size]], y[order[i:i + batch_size]]) for i in range(0, len(y), batch_size)]

    def child_generator_drawn_from_rng(x, y, batch_size, rng):
        order = np.random.default_rng(rng.integers(2**32)).permutation(len(y))   # still reproducible from rng
        for start in range(0, len(y), batch_size):
            yield x[order[start:start + batch_size]], y[order[start:start + batch_size]]

    def keras_source_in_place(w, grad, m, v, t, lr, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
        m += (grad - m) * (1 - beta_1)                      # Keras's assign_add form, on the copies it is given
        v += (np.square(grad) - v) * (1 - beta_2)
        alpha = lr * np.sqrt(1 - np.power(beta_2, t)) / (1 - np.power(beta_1, t))
        w -= m * alpha / (np.sqrt(v) + epsilon)
        return w, m, v

    for fn in (argsort_of_uniforms, child_generator_drawn_from_rng):
        _all_cases(l05.EXERCISES[1], fn)
    _all_cases(l05.EXERCISES[2], keras_source_in_place)

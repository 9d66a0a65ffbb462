"""Plausible mistakes for the exercises of lesson 15 (see tests/wrong_answers/__init__.py)."""
import numpy as np
from scipy.optimize import linear_sum_assignment

from ._registry import registry

WRONG, wrong = registry()


def _table(y_true, y_pred):
    classes, t = np.unique(np.asarray(y_true), return_inverse=True)
    clusters, c = np.unique(np.asarray(y_pred), return_inverse=True)
    table = np.zeros((len(clusters), len(classes)))
    np.add.at(table, (c, t), 1)
    return table


@wrong(1)
def accuracy_without_matching(y_true, y_pred):
    return float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))


@wrong(1)
def accuracy_greedy_majority_per_cluster(y_true, y_pred):
    table = _table(y_true, y_pred)
    return float(table.max(axis=1).sum() / table.sum())     # every cluster gets its majority class


@wrong(1)
def accuracy_divided_by_number_of_clusters(y_true, y_pred):
    table = _table(y_true, y_pred)
    rows, cols = linear_sum_assignment(table, maximize=True)
    return float(table[rows, cols].sum() / len(table))      # the number of clusters, not of points


@wrong(1)
def accuracy_mean_over_clusters(y_true, y_pred):
    table = _table(y_true, y_pred)
    rows, cols = linear_sum_assignment(table, maximize=True)
    return float(np.mean(table[rows, cols] / table[rows].sum(axis=1)))   # per-cluster purity, averaged


@wrong(1)
def accuracy_greedy_one_to_one(y_true, y_pred):
    table = _table(y_true, y_pred)
    matched = 0.0
    for _ in range(min(table.shape)):                       # biggest overlap first, then remove both
        i, j = np.unravel_index(np.argmax(table), table.shape)
        matched += table[i, j]
        table[i, :], table[:, j] = -1, -1
    return float(matched / len(y_true))


@wrong(1)
def accuracy_assumes_labels_0_to_k(y_true, y_pred):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    k = int(max(y_true.max(), y_pred.max())) + 1
    table = np.zeros((k, k))
    np.add.at(table, (y_pred, y_true), 1)                   # -1 silently wraps around to the last row
    rows, cols = linear_sum_assignment(table, maximize=True)
    return float(table[rows, cols].sum() / len(y_true))


def _squared_distances(z, centers):
    return ((np.asarray(z, float)[:, None, :] - np.asarray(centers, float)[None]) ** 2).sum(-1)


@wrong(2)
def soft_assignment_normalized_over_points(z, centers, alpha=1.0):
    kernel = (1 + _squared_distances(z, centers) / alpha) ** (-(alpha + 1) / 2)
    return kernel / kernel.sum(axis=0, keepdims=True)


@wrong(2)
def soft_assignment_without_exponent(z, centers, alpha=1.0):
    kernel = 1 / (1 + _squared_distances(z, centers) / alpha)
    return kernel / kernel.sum(axis=1, keepdims=True)


@wrong(2)
def soft_assignment_distance_not_squared(z, centers, alpha=1.0):
    kernel = (1 + np.sqrt(_squared_distances(z, centers)) / alpha) ** (-(alpha + 1) / 2)
    return kernel / kernel.sum(axis=1, keepdims=True)


@wrong(2)
def soft_assignment_not_normalized(z, centers, alpha=1.0):
    return (1 + _squared_distances(z, centers) / alpha) ** (-(alpha + 1) / 2)


@wrong(3)
def target_without_cluster_frequency(q):
    weight = np.asarray(q, float) ** 2
    return weight / weight.sum(axis=1, keepdims=True)


@wrong(3)
def target_normalized_over_points(q):
    q = np.asarray(q, float)
    weight = q ** 2 / q.sum(axis=0)
    return weight / weight.sum(axis=0, keepdims=True)


@wrong(3)
def target_squared_not_renormalized(q):
    q = np.asarray(q, float)
    return q ** 2 / q.sum(axis=0)


@wrong(3)
def target_frequency_from_row_sums(q):
    q = np.asarray(q, float)
    weight = q ** 2 / q.sum(axis=1, keepdims=True)
    return weight / weight.sum(axis=1, keepdims=True)


def _dec_target(q):
    weight = q ** 2 / q.sum(axis=0)
    return weight / weight.sum(axis=1, keepdims=True)


@wrong(4)
def dec_round_trains_on_q_itself(model, x, labels):
    q = np.asarray(model.predict(x, verbose=0), float)
    model.fit(x, q, batch_size=256, epochs=1, verbose=0)    # the target is q: nothing to learn
    q_new = np.asarray(model.predict(x, verbose=0), float)
    return q, q_new, float(np.mean(q_new.argmax(1) != labels))


@wrong(4)
def dec_round_returns_the_old_q(model, x, labels):
    q = np.asarray(model.predict(x, verbose=0), float)
    p = _dec_target(q)
    model.fit(x, p, batch_size=256, epochs=1, verbose=0)
    return p, q, float(np.mean(q.argmax(1) != labels))       # q from before the pass


@wrong(4)
def dec_round_target_from_the_new_q(model, x, labels):
    p = _dec_target(np.asarray(model.predict(x, verbose=0), float))
    model.fit(x, p, batch_size=256, epochs=1, verbose=0)
    q_new = np.asarray(model.predict(x, verbose=0), float)
    return _dec_target(q_new), q_new, float(np.mean(q_new.argmax(1) != labels))


@wrong(4)
def dec_round_several_epochs(model, x, labels):
    q = np.asarray(model.predict(x, verbose=0), float)
    p = _dec_target(q)
    model.fit(x, p, batch_size=256, epochs=5, verbose=0)
    q_new = np.asarray(model.predict(x, verbose=0), float)
    return p, q_new, float(np.mean(q_new.argmax(1) != labels))


@wrong(4)
def dec_round_changed_as_a_count(model, x, labels):
    q = np.asarray(model.predict(x, verbose=0), float)
    p = _dec_target(q)
    model.fit(x, p, batch_size=256, epochs=1, verbose=0)
    q_new = np.asarray(model.predict(x, verbose=0), float)
    return p, q_new, float(np.sum(q_new.argmax(1) != labels))


@wrong(4)
def dec_round_target_recomputed_per_batch(model, x, labels):
    targets = []
    for start in range(0, len(x), 256):                      # f_j from 256 points, and a moving target
        batch = x[start:start + 256]
        p_batch = _dec_target(np.asarray(model(batch), float))
        model.train_on_batch(batch, p_batch)
        targets.append(p_batch)
    q_new = np.asarray(model.predict(x, verbose=0), float)
    return np.concatenate(targets), q_new, float(np.mean(q_new.argmax(1) != labels))


@wrong(4)
def dec_round_trains_on_hard_labels(model, x, labels):
    q = np.asarray(model.predict(x, verbose=0), float)
    p = _dec_target(q)
    one_hot = np.eye(q.shape[1])[q.argmax(1)]
    model.fit(x, one_hot, batch_size=256, epochs=1, verbose=0)    # hard targets instead of p
    q_new = np.asarray(model.predict(x, verbose=0), float)
    return p, q_new, float(np.mean(q_new.argmax(1) != labels))


@wrong(2)
def soft_assignment_gaussian_kernel(z, centers, alpha=1.0):
    kernel = np.exp(-_squared_distances(z, centers) / 2)         # t-SNE's input kernel, not DEC's
    return kernel / kernel.sum(axis=1, keepdims=True)


@wrong(3)
def target_frequency_from_the_grand_total(q):
    q = np.asarray(q, float)
    weight = q ** 2 / q.sum()                                   # one number, not one per cluster
    return weight / weight.sum(axis=1, keepdims=True)


@wrong(4)
def dec_round_trains_on_the_hard_labels_of_p(model, x, labels):
    p = _dec_target(np.asarray(model.predict(x, verbose=0), float))
    model.fit(x, np.eye(p.shape[1])[p.argmax(1)], batch_size=256, epochs=1, verbose=0)   # argmax of p, one-hot
    q_new = np.asarray(model.predict(x, verbose=0), float)
    return p, q_new, float(np.mean(q_new.argmax(1) != labels))


@wrong(4)
def dec_round_target_refreshed_after_every_batch(model, x, labels):
    p = first_p = _dec_target(np.asarray(model.predict(x, verbose=0), float))
    for start in range(0, len(x), 256):                      # all points, but the target moves with the model
        model.train_on_batch(x[start:start + 256], p[start:start + 256])
        p = _dec_target(np.asarray(model.predict(x, verbose=0), float))
    q_new = np.asarray(model.predict(x, verbose=0), float)
    return first_p, q_new, float(np.mean(q_new.argmax(1) != labels))


@wrong(4)
def dec_round_rows_of_p_and_x_misaligned(model, x, labels):
    p = _dec_target(np.asarray(model.predict(x, verbose=0), float))
    shuffled = x[np.random.default_rng(0).permutation(len(x))]   # shuffled the inputs, not the targets
    model.fit(shuffled, p, batch_size=256, epochs=1, verbose=0)
    q_new = np.asarray(model.predict(x, verbose=0), float)
    return p, q_new, float(np.mean(q_new.argmax(1) != labels))

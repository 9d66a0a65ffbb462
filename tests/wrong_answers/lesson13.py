"""Plausible mistakes for the exercises of lesson 13 (see tests/wrong_answers/__init__.py)."""
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

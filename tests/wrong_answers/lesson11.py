"""Plausible mistakes for the exercises of lesson 11 (see tests/wrong_answers/__init__.py)."""
import numpy as np

from ._registry import registry

WRONG, wrong = registry()


@wrong(1)
def epsilon_greedy_epsilon_means_exploit(q_values, epsilon, rng):
    if rng.random() < epsilon:
        return int(np.argmax(q_values))
    return int(rng.integers(len(q_values)))


@wrong(1)
def epsilon_greedy_explores_only_other_actions(q_values, epsilon, rng):
    best = int(np.argmax(q_values))
    if rng.random() < epsilon:
        others = [a for a in range(len(q_values)) if a != best]
        return int(rng.choice(others))
    return best


@wrong(1)
def epsilon_greedy_argmin(q_values, epsilon, rng):
    if rng.random() < epsilon:
        return int(rng.integers(len(q_values)))
    return int(np.argmin(q_values))


@wrong(1)
def epsilon_greedy_global_random(q_values, epsilon, rng):
    if np.random.random() < epsilon:
        return int(np.random.randint(len(q_values)))
    return int(np.argmax(q_values))


@wrong(2)
def q_update_no_terminal_masking(q, s, a, r, s_next, terminated, alpha, gamma):
    q = np.array(q, dtype="float64")
    q[s, a] += alpha * (r + gamma * q[s_next].max() - q[s, a])
    return q


@wrong(2)
def q_update_sarsa_style(q, s, a, r, s_next, terminated, alpha, gamma):
    q = np.array(q, dtype="float64")
    target = r if terminated else r + gamma * q[s_next, a]
    q[s, a] += alpha * (target - q[s, a])
    return q


@wrong(2)
def q_update_forgets_alpha(q, s, a, r, s_next, terminated, alpha, gamma):
    q = np.array(q, dtype="float64")
    q[s, a] = r if terminated else r + gamma * q[s_next].max()
    return q


@wrong(2)
def q_update_bootstraps_from_current_state(q, s, a, r, s_next, terminated, alpha, gamma):
    q = np.array(q, dtype="float64")
    target = r if terminated else r + gamma * q[s].max()
    q[s, a] += alpha * (target - q[s, a])
    return q


@wrong(3)
def discounted_returns_ignore_dones(rewards, dones, gamma):
    out, g = np.zeros(len(rewards)), 0.0
    for t in range(len(rewards) - 1, -1, -1):
        g = rewards[t] + gamma * g
        out[t] = g
    return out


@wrong(3)
def discounted_returns_reversed(rewards, dones, gamma):
    out, g = np.zeros(len(rewards)), 0.0
    for t in range(len(rewards)):
        g = rewards[t] + gamma * g
        out[t] = g
        if dones[t]:
            g = 0.0
    return out


@wrong(3)
def discounted_returns_gamma_power_on_sum(rewards, dones, gamma):
    rewards, out, start = np.asarray(rewards, dtype="float64"), np.zeros(len(rewards)), 0
    for t in range(len(rewards)):
        if t > 0 and dones[t - 1]:
            start = t
        end = t
        while end < len(rewards) - 1 and not dones[end]:
            end += 1
        out[t] = gamma ** (t - start) * rewards[t:end + 1].sum()
    return out


@wrong(3)
def discounted_returns_done_read_as_first_step(rewards, dones, gamma):
    out, g = np.zeros(len(rewards)), 0.0
    for t in range(len(rewards) - 1, -1, -1):
        g = rewards[t] + gamma * g
        out[t] = g
        if dones[t]:
            g = 0.0
    return out

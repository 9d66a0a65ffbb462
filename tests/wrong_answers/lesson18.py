"""Plausible mistakes for the exercises of lesson 18 (see tests/wrong_answers/__init__.py)."""
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


# ---- exercise 4: the REINFORCE loss -----------------------------------------------------------
def _tf():
    import tensorflow as tf
    return tf


@wrong(4)
def reinforce_loss_sign_flipped(logits, actions, returns, baselines):
    tf = _tf()
    taken = tf.gather(tf.nn.log_softmax(logits), actions, batch_dims=1)
    return tf.reduce_mean(taken * tf.stop_gradient(returns - baselines))


@wrong(4)
def reinforce_loss_probabilities_not_log(logits, actions, returns, baselines):
    tf = _tf()
    taken = tf.gather(tf.nn.softmax(logits), actions, batch_dims=1)
    return -tf.reduce_mean(taken * tf.stop_gradient(returns - baselines))


@wrong(4)
def reinforce_loss_gather_rows_not_actions(logits, actions, returns, baselines):
    tf = _tf()
    rows = tf.gather(tf.nn.log_softmax(logits), actions)            # no batch_dims: whole rows
    return -tf.reduce_mean(rows * tf.stop_gradient(returns - baselines)[:, None])


@wrong(4)
def reinforce_loss_gradient_into_baseline(logits, actions, returns, baselines):
    tf = _tf()
    taken = tf.gather(tf.nn.log_softmax(logits), actions, batch_dims=1)
    return -tf.reduce_mean(taken * (returns - baselines))


@wrong(4)
def reinforce_loss_sum_not_mean(logits, actions, returns, baselines):
    tf = _tf()
    taken = tf.gather(tf.nn.log_softmax(logits), actions, batch_dims=1)
    return -tf.reduce_sum(taken * tf.stop_gradient(returns - baselines))


@wrong(4)
def reinforce_loss_log_of_softmax(logits, actions, returns, baselines):
    tf = _tf()
    taken = tf.gather(tf.math.log(tf.nn.softmax(logits)), actions, batch_dims=1)
    return -tf.reduce_mean(taken * tf.stop_gradient(returns - baselines))


@wrong(4)
def reinforce_loss_raw_logits(logits, actions, returns, baselines):
    tf = _tf()
    taken = tf.gather(logits, actions, batch_dims=1)
    return -tf.reduce_mean(taken * tf.stop_gradient(returns - baselines))


@wrong(4)
def reinforce_loss_normalizes_advantages(logits, actions, returns, baselines):
    tf = _tf()
    adv = returns - baselines
    adv = (adv - tf.reduce_mean(adv)) / (tf.math.reduce_std(adv) + 1e-8)
    taken = tf.gather(tf.nn.log_softmax(logits), actions, batch_dims=1)
    return -tf.reduce_mean(taken * tf.stop_gradient(adv))


@wrong(4)
def reinforce_loss_numpy(logits, actions, returns, baselines):
    z = np.asarray(logits, dtype="float64")
    log_probs = z - z.max(1, keepdims=True)
    log_probs = log_probs - np.log(np.exp(log_probs).sum(1, keepdims=True))
    taken = log_probs[np.arange(len(z)), np.asarray(actions)]
    return -np.mean(taken * (np.asarray(returns) - np.asarray(baselines)))


@wrong(4)
def reinforce_loss_cross_entropy_without_advantage(logits, actions, returns, baselines):
    tf = _tf()
    return tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=actions, logits=logits))


# ---- more plausible mistakes for exercises 1-3 ------------------------------------------------
@wrong(1)
def epsilon_greedy_never_explores_last_action(q_values, epsilon, rng):
    if rng.random() < epsilon:
        return int(rng.integers(len(q_values) - 1))          # off by one: the last action is never drawn
    return int(np.argmax(q_values))


@wrong(1)
def epsilon_greedy_fresh_generator_every_call(q_values, epsilon, rng):
    rng = np.random.default_rng()                            # ignores the seeded generator it was given
    if rng.random() < epsilon:
        return int(rng.integers(len(q_values)))
    return int(np.argmax(q_values))


@wrong(2)
def q_update_in_place(q, s, a, r, s_next, terminated, alpha, gamma):
    target = r if terminated else r + gamma * np.max(q[s_next])
    q[s, a] += alpha * (target - q[s, a])                    # edits the caller's table
    return q


@wrong(2)
def q_update_adds_the_target(q, s, a, r, s_next, terminated, alpha, gamma):
    q = np.array(q, dtype="float64")
    target = r if terminated else r + gamma * q[s_next].max()
    q[s, a] += alpha * target                                # forgets "- q[s, a]"
    return q


@wrong(3)
def discounted_returns_discounts_the_first_reward(rewards, dones, gamma):
    out, g = np.zeros(len(rewards)), 0.0
    for t in range(len(rewards) - 1, -1, -1):
        if dones[t]:
            g = 0.0
        g = gamma * (rewards[t] + g)                         # r_t itself should count fully
        out[t] = g
    return out


@wrong(4)
def reinforce_loss_log_softmax_over_the_batch(logits, actions, returns, baselines):
    tf = _tf()
    log_probs = tf.nn.log_softmax(logits, axis=0)             # normalizes over the steps, not the actions
    taken = tf.gather(log_probs, actions, batch_dims=1)
    return -tf.reduce_mean(taken * tf.stop_gradient(returns - baselines))


@wrong(4)
def reinforce_loss_cross_entropy_on_logits_as_probabilities(logits, actions, returns, baselines):
    tf = _tf()
    import keras
    ce = keras.losses.sparse_categorical_crossentropy(actions, logits)   # from_logits forgotten
    return tf.reduce_mean(ce * tf.stop_gradient(returns - baselines))


# ---- found by a second reader ------------------------------------------------------------------
@wrong(3)
def discounted_returns_in_place_in_the_rewards(rewards, dones, gamma):
    rewards = np.asarray(rewards, dtype="float64")            # no copy when it already is a float64 array ...
    for t in range(len(rewards) - 2, -1, -1):
        if not dones[t]:
            rewards[t] += gamma * rewards[t + 1]               # ... so this overwrites the caller's rewards
    return rewards


@wrong(4)
def reinforce_loss_log_of_softmax_plus_epsilon(logits, actions, returns, baselines):
    tf = _tf()
    log_probs = tf.math.log(tf.nn.softmax(logits) + 1e-8)     # no nan, but no gradient for unlikely actions
    taken = tf.gather(log_probs, actions, batch_dims=1)
    return -tf.reduce_mean(taken * tf.stop_gradient(returns - baselines))

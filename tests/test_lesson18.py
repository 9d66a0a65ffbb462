"""Lesson 18 (reinforcement learning): other correct implementations pass its checks."""
import numpy as np

from dlbasics.checks import lesson


def test_alternative_implementations_pass_lesson18():
    l18 = lesson("18")

    def epsilon_greedy_choice_with_probabilities(q_values, epsilon, rng):
        q = np.asarray(q_values, dtype=float)
        p = np.full(len(q), epsilon / len(q))
        best = np.flatnonzero(q == q.max())
        p[best] += (1 - epsilon) / len(best)              # ties share the greedy probability
        return rng.choice(len(q), p=p)                    # a NumPy integer, not an int

    def epsilon_greedy_last_of_ties(q_values, epsilon, rng):
        q = np.asarray(q_values, dtype=float)
        explore, random_action = rng.uniform() < epsilon, rng.integers(0, len(q))
        return int(random_action) if explore else int(len(q) - 1 - np.argmax(q[::-1]))

    def q_update_masked(q, s, a, r, s_next, terminated, alpha, gamma):
        new = np.copy(q).astype(float)
        target = r + gamma * np.max(q[s_next]) * (1.0 - float(terminated))
        new[s, a] = (1 - alpha) * q[s, a] + alpha * target
        return new.tolist()                               # a nested list

    def discounted_returns_matrix(rewards, dones, gamma):
        r, d = np.asarray(rewards, float), np.asarray(dones, bool)
        episode = np.concatenate([[0], np.cumsum(d[:-1])])
        t = np.arange(len(r))
        same = (episode[None, :] == episode[:, None]) & (t[None, :] >= t[:, None])
        return list((np.where(same, float(gamma) ** np.maximum(t[None, :] - t[:, None], 0), 0.0) * r).sum(1))

    l18.exercise_1(epsilon_greedy_choice_with_probabilities)
    l18.exercise_1(epsilon_greedy_last_of_ties)
    l18.exercise_2(q_update_masked)
    l18.exercise_3(discounted_returns_matrix)


def test_other_reinforce_losses_pass():
    """Exercise 4 is judged by the gradient: other correct losses pass, even with another value."""
    import keras
    import tensorflow as tf

    l18 = lesson("18")

    def weighted_cross_entropy(logits, actions, returns, baselines):   # Keras's loss, advantages as sample weights
        ce = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        return ce(actions, logits, sample_weight=keras.ops.stop_gradient(returns - baselines))

    def one_hot_mask_plus_constant(logits, actions, returns, baselines):  # a constant changes the value only
        advantages = tf.stop_gradient(returns - baselines)
        mask = tf.one_hot(actions, tf.shape(logits)[1])
        n = tf.cast(tf.shape(logits)[0], logits.dtype)
        return 3.0 - tf.reduce_sum(mask * tf.nn.log_softmax(logits) * advantages[:, None]) / n

    def logsumexp_by_hand(logits, actions, returns, baselines):
        taken = tf.gather(logits, actions, batch_dims=1) - tf.reduce_logsumexp(logits, axis=1)
        return tf.reduce_mean(-taken * tf.stop_gradient(returns) + taken * tf.stop_gradient(baselines))

    def keras_ops_take_along_axis(logits, actions, returns, baselines):
        taken = keras.ops.take_along_axis(keras.ops.log_softmax(logits, axis=-1), actions[:, None], axis=1)[:, 0]
        return -keras.ops.mean(taken * keras.ops.stop_gradient(returns - baselines))

    for fn in (weighted_cross_entropy, one_hot_mask_plus_constant, logsumexp_by_hand, keras_ops_take_along_axis):
        l18.exercise_4(fn)

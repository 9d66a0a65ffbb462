"""Checks for lesson 18, reinforcement learning."""

import numpy as np

from .core import Case, CheckFailed, Exercise, as_array, compare_arrays, exercises


class EpsilonGreedy(Exercise):
    """A random choice is judged by its frequencies over many draws from a seeded generator.

    The draws are deterministic for a given implementation and seed, but two correct
    implementations use the generator differently, so the judge allows 6 standard deviations
    of sampling noise on every frequency: a correct implementation fails with a probability
    of about 1e-9 per frequency, while the plausible mistakes are off by 10 or more.
    """
    number, title = 1, "epsilon_greedy"
    hint = ("With probability epsilon explore: an action drawn uniformly from ALL actions with `rng` "
            "(e.g. rng.integers(len(q_values))); otherwise exploit: the action with the highest value "
            "(np.argmax). Draw every random number from `rng`.")
    draws = 4000
    sigmas = 6.0

    def cases(self, rng=None):
        cases = [
            Case("epsilon 0: always the greedy action", (np.array([0.1, 0.5, -0.2, 0.3]), 0.0, 1)),
            Case("epsilon 1: uniform over all 4 actions", (np.array([1.0, 2.0, 3.0, 4.0]), 1.0, 2),
                 hint="Exploring draws from all actions, the greedy one included."),
            Case("epsilon 0.1, 4 actions", (np.array([0.2, 0.0, 0.9, 0.4]), 0.1, 3),
                 hint="epsilon is the probability of exploring, not of exploiting."),
            Case("epsilon 0.8, 2 actions", (np.array([0.7, 0.3]), 0.8, 4),
                 hint="Exploring draws from all actions, the greedy one included: with 2 actions "
                      "the greedy one still wins half of the exploring draws."),
            Case("negative values", (np.array([-5.0, -1.0, -3.0]), 0.2, 5),
                 hint="The greedy action has the HIGHEST value (the least negative one here)."),
            Case("a tie for the highest value", (np.array([1.0, 3.0, 3.0, 0.0]), 0.3, 6),
                 hint="Any of the tied actions may be returned when exploiting."),
            Case("a list of 6 values", ([0.0, 0.1, 0.2, 0.5, 0.4, 0.3], 0.5, 7)),
        ]
        if rng is not None:
            for i in range(3):
                n = int(rng.integers(2, 7))
                q = np.round(rng.normal(size=n), 2)
                cases.append(Case(f"random values #{i} ({n} actions)",
                                  (q, float(np.round(rng.uniform(0, 1), 2)), int(rng.integers(1000)))))
        return cases

    def produce(self, fn, case):
        q_values, epsilon, seed = case.args
        n = len(q_values)

        def run(draws, seed):
            rng, actions = np.random.default_rng(seed), []
            for _ in range(draws):
                a = fn(q_values, epsilon, rng)
                if isinstance(a, (float, np.floating)) and float(a).is_integer():
                    a = int(a)
                if isinstance(a, np.ndarray) and a.size == 1 and a.dtype.kind in "iu":
                    a = int(a.reshape(()))
                if isinstance(a, bool) or not isinstance(a, (int, np.integer)):
                    raise CheckFailed(f"expected an action index (an int), got {type(a).__name__}.")
                if not 0 <= int(a) < n:
                    raise CheckFailed(f"returned action {int(a)}, but the actions are 0..{n - 1}.")
                actions.append(int(a))
            return actions

        actions = run(self.draws, seed)
        repeat = run(50, seed + 1) == run(50, seed + 1)
        return {"counts": np.bincount(actions, minlength=n).tolist(), "reproducible": bool(repeat)}

    def reference(self, q_values, epsilon, rng):
        """The course's epsilon-greedy choice (rng: a NumPy Generator, or a seed)."""
        rng = np.random.default_rng(rng)
        if rng.random() < epsilon:
            return int(rng.integers(len(q_values)))
        return int(np.argmax(q_values))

    def probabilities(self, q_values, epsilon):
        """Each action's probability, and which actions are greedy (ties: their total counts)."""
        q = np.asarray(q_values, dtype="float64")
        greedy = q == q.max()
        explore = epsilon / len(q)
        return explore, greedy, explore * greedy.sum() + (1 - epsilon)

    def tolerance(self, p):
        return self.sigmas * np.sqrt(p * (1 - p) / self.draws) + 1e-9

    def judge(self, got, case):
        q_values, epsilon, _ = case.args
        counts = np.asarray(got["counts"], dtype="float64")
        freq = counts / counts.sum()
        p_explore, greedy, p_greedy = self.probabilities(q_values, epsilon)
        pct = lambda f: f"{100 * f:.1f}%"  # noqa: E731
        if abs(freq[greedy].sum() - p_greedy) > self.tolerance(p_greedy):
            which = "the greedy action" if greedy.sum() == 1 else "the tied greedy actions"
            how = "too rarely" if freq[greedy].sum() < p_greedy else "too often"
            return (f"over {self.draws} draws {which} came {how} (in {pct(freq[greedy].sum())} of "
                    f"the draws) for epsilon = {epsilon}.")
        for a in range(len(freq)):
            if not greedy[a] and abs(freq[a] - p_explore) > self.tolerance(p_explore):
                how = "too rarely" if freq[a] < p_explore else "too often"
                return (f"over {self.draws} draws the non-greedy action {a} came {how} (in "
                        f"{pct(freq[a])} of the draws) for epsilon = {epsilon}.")
            if greedy[a] and freq[a] < p_explore - self.tolerance(p_explore):
                return (f"over {self.draws} draws the greedy action {a} came too rarely (in "
                        f"{pct(freq[a])} of the draws): exploring must be able to pick every action.")
        if not got["reproducible"] and 0 < epsilon:
            return ("two runs with generators seeded alike chose different actions: draw the random "
                    "numbers from `rng`, not from np.random or the random module.")
        return None


class QUpdate(Exercise):
    number, title = 2, "q_update"
    hint = ("target = r + gamma * max over a' of q[s_next, a'], or just r when terminated; then move "
            "q[s, a] a fraction alpha of the way: q[s, a] += alpha * (target - q[s, a]). "
            "Only that one entry changes.")
    rtol, atol = 1e-9, 1e-12

    def cases(self, rng=None):
        r = np.random.default_rng(11)
        q = np.round(r.uniform(0, 1, (3, 2)), 2)
        cases = [
            Case("one step in a 3x2 table", (q, 0, 1, 1.0, 2, False, 0.5, 0.9)),
            Case("terminated: no value after the last step", (q, 1, 0, 1.0, 2, True, 0.5, 0.9),
                 hint="When the episode terminated there is no next state to bootstrap from: the target is r."),
            Case("the next state's best action is not a", (np.array([[0.0, 0.0], [0.0, 0.0], [0.1, 0.8]]),
                                                           0, 0, 0.0, 2, False, 0.5, 0.9),
                 hint="Q-learning bootstraps with the BEST action in s_next (max over its row), "
                      "whatever action is taken there next."),
            Case("alpha 1: the entry becomes the target", (q, 2, 1, -1.0, 0, False, 1.0, 0.9)),
            Case("alpha 0.1: a small step towards the target", (q, 2, 0, 0.5, 1, False, 0.1, 0.99),
                 hint="Move only a fraction alpha of the way from q[s, a] to the target."),
            Case("gamma 0: only the reward counts", (q, 1, 1, 0.3, 0, False, 0.5, 0.0)),
            Case("a self-loop (s_next == s)", (q, 1, 0, 0.0, 1, False, 0.5, 0.9)),
            Case("a 16x4 table (FrozenLake's size)", (np.round(r.uniform(0, 1, (16, 4)), 3), 14, 2, 1.0, 15, True, 0.1, 0.99)),
            Case("a 16x4 table, reward 0, not terminal", (np.round(r.uniform(0, 1, (16, 4)), 3), 9, 1, 0.0, 13, False, 0.1, 0.99)),
        ]
        if rng is not None:
            for i in range(5):
                ns, na = int(rng.integers(2, 20)), int(rng.integers(2, 6))
                cases.append(Case(f"random transition #{i}", (rng.normal(size=(ns, na)), int(rng.integers(ns)),
                                                              int(rng.integers(na)), float(rng.normal()),
                                                              int(rng.integers(ns)), bool(rng.random() < 0.3),
                                                              float(rng.uniform(0.01, 1)), float(rng.uniform(0, 1)))))
        return cases

    def produce(self, fn, case):
        q = case.args[0]
        got = as_array(fn(*case.args), "your function")
        if got.shape != np.shape(q):
            raise CheckFailed(f"the new table has shape {got.shape}; it should have the shape of q, {np.shape(q)}.")
        return got

    def reference(self, q, s, a, r, s_next, terminated, alpha, gamma):
        q = np.array(q, dtype="float64")
        target = r if terminated else r + gamma * np.max(q[s_next])
        q[s, a] += alpha * (target - q[s, a])
        return q

    def judge(self, got, case):
        return compare_arrays(got, self.reference(*case.args), self.rtol, self.atol, what="the new table")


class DiscountedReturns(Exercise):
    number, title = 3, "discounted_returns"
    hint = ("Walk backwards from the last step: G = r[t] + gamma * G, and start again from 0 after "
            "every step whose done flag is set, because the next step belongs to a new episode.")
    rtol, atol = 1e-9, 1e-9

    def cases(self, rng=None):
        F, T = False, True
        cases = [
            Case("one episode of three rewards", ([1.0, 1.0, 1.0], [F, F, T], 0.9)),
            Case("gamma 1: plain sums to the end", ([1.0, 2.0, 3.0, 4.0], [F, F, F, T], 1.0)),
            Case("gamma 0: each step's own reward", ([3.0, -1.0, 2.0], [F, F, T], 0.0)),
            Case("a reward only at the end (like FrozenLake)", ([0.0, 0.0, 0.0, 1.0], [F, F, F, T], 0.9),
                 hint="Earlier steps get the later reward discounted once per step between them: "
                      "G_t = r_t + gamma r_{t+1} + gamma^2 r_{t+2} + ..."),
            Case("two episodes laid end to end", ([1.0, 2.0, 3.0, 4.0, 5.0], [F, T, F, F, T], 0.5),
                 hint="A done flag at step t means step t+1 starts a new episode: the return must not "
                      "carry rewards across it."),
            Case("a one-step episode in the middle", ([1.0, 1.0, 7.0, 1.0, 1.0], [F, T, T, F, T], 0.9)),
            Case("the last episode is unfinished (no done flag at the end)", ([1.0, 0.0, 2.0, 1.0], [T, F, F, F], 0.8)),
            Case("200 rewards of 1 (a CartPole episode), as NumPy arrays (as in training)",
                 (np.ones(200), np.arange(200) == 199, 0.99)),
        ]
        if rng is not None:
            for i in range(5):
                n = int(rng.integers(1, 60))
                rewards, dones = np.round(rng.normal(size=n), 2), rng.random(n) < 0.15
                gamma = float(rng.uniform(0, 1))
                args = (rewards, dones, gamma) if i % 2 == 0 else (list(rewards), list(dones), gamma)   # arrays or lists
                cases.append(Case(f"random episodes #{i} ({n} steps)", args))
        return cases

    def produce(self, fn, case):
        return as_array(fn(*case.args), "your function")

    def reference(self, rewards, dones, gamma):
        """Episode by episode, G = the rewards filtered by 1 / (1 - gamma z^-1), run backwards."""
        from scipy.signal import lfilter

        rewards, dones = np.asarray(rewards, dtype="float64"), np.asarray(dones, dtype=bool)
        out, start = np.zeros(len(rewards)), 0
        for end in list(np.flatnonzero(dones) + 1) + [len(rewards)]:
            if end > start:
                out[start:end] = lfilter([1.0], [1.0, -gamma], rewards[start:end][::-1])[::-1]
            start = end
        return out

    def judge(self, got, case):
        return compare_arrays(got, self.reference(*case.args), self.rtol, self.atol, what="the returns")


def _diagnose(got, variants):
    """The sentence of the first known mistake whose gradient `got` reproduces, or ''."""
    got = np.asarray(got, dtype="float64")
    with np.errstate(all="ignore"):
        for sentence, wrong in variants:
            wrong = np.asarray(wrong, dtype="float64")
            if wrong.shape == got.shape and np.allclose(got, wrong, rtol=1e-3, atol=1e-6, equal_nan=True):
                return " " + sentence
    return ""


def _softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _loss_case(label, rng, steps, actions, baseline="value", scale=1.0, hint="", graph_mode=False):
    logits = np.round(rng.normal(size=(steps, actions)) * scale, 3).astype("float32")
    taken = rng.integers(actions, size=steps).astype("int64")
    returns = np.round(rng.uniform(1, 60, size=steps), 2).astype("float32")
    if baseline == "zero":
        baselines = np.zeros(steps, "float32")
    elif baseline == "returns":
        baselines = returns.copy()
    else:
        baselines = np.round(returns + rng.normal(0, 8, size=steps), 2).astype("float32")
    return Case(label, (logits, taken, returns, baselines), {"graph_mode": True} if graph_mode else {}, hint)


class ReinforceLoss(Exercise):
    """Judged by its gradient, the thing a loss is for: d loss / d logits must be minus the
    policy-gradient estimate (any loss with that gradient passes, whatever its value), and the
    loss must send no gradient into the returns or the baselines (the advantage is a fixed weight).
    The reference gradient is written out by hand (NumPy), independently of TensorFlow."""
    number, title = 4, "reinforce_loss"
    hint = ("Minimizing the loss must move the logits along the policy-gradient estimate "
            "mean_t[grad log pi(a_t|s_t) * (G_t - b_t)]: so the loss is MINUS a mean over the steps of the "
            "log-probability (tf.nn.log_softmax) of the action actually taken, times its advantage, and "
            "the advantage is a constant weight (tf.stop_gradient).")
    rtol, atol = 1e-3, 1e-7

    def cases(self, rng=None):
        r = np.random.default_rng(411)
        cases = [
            _loss_case("2 actions, 6 steps, no baseline (all baselines 0)", r, 6, 2, "zero"),
            _loss_case("2 actions with a baseline: some advantages negative", r, 8, 2,
                       hint="An action that did worse than its baseline (negative advantage) must become LESS likely."),
            _loss_case("3 actions, 5 steps", r, 5, 3,
                       hint="Take the log-probability of the action that was taken at each step "
                            "(tf.gather(..., batch_dims=1), or a one-hot mask), not a whole row."),
            _loss_case("baselines equal to the returns: nothing to learn", r, 4, 2, "returns"),
            Case("a confident policy (logits of +-60)",
                 (np.array([[60.0, -60.0], [-60.0, 60.0], [60.0, -60.0]], "float32"), np.array([1, 1, 0], "int64"),
                  np.array([10.0, 20.0, 30.0], "float32"), np.array([15.0, 15.0, 15.0], "float32")),
                 hint="log(softmax(z)) overflows to log(0) = -inf for a very unlikely action: "
                      "tf.nn.log_softmax computes the log-probabilities stably."),
            _loss_case("inside a tf.function (as in training)", r, 7, 2, graph_mode=True,
                       hint="Use TensorFlow or keras.ops operations, not NumPy: in a tf.function the inputs are "
                            "symbolic tensors, and NumPy would cut the gradient anyway."),
            _loss_case("a batch of 300 steps", r, 300, 2,
                       hint="Average over the steps (the estimate is a mean), do not sum."),
        ]
        if rng is not None:
            for i in range(4):
                cases.append(_loss_case(f"random batch #{i}", rng, int(rng.integers(1, 80)), int(rng.integers(2, 6)),
                                        ["value", "zero"][i % 2], float(rng.uniform(0.5, 3))))
        return cases

    def produce(self, fn, case):
        import tensorflow as tf

        logits, actions, returns, baselines = (tf.constant(v) for v in case.args)

        def loss_and_grads(logits, actions, returns, baselines):
            with tf.GradientTape(persistent=True) as tape:
                tape.watch([logits, returns, baselines])
                loss = fn(logits, actions, returns, baselines)
                if loss is None:
                    return None, None
                loss = tf.convert_to_tensor(loss)
            grads = tape.gradient(loss, [logits, returns, baselines],
                                  unconnected_gradients=tf.UnconnectedGradients.NONE)
            return loss, grads

        if case.kwargs.get("graph_mode"):
            try:
                loss, grads = tf.function(loss_and_grads)(logits, actions, returns, baselines)
            except Exception as e:          # NumPy on symbolic tensors raises NotImplementedError: not a stub
                detail = " ".join(str(e).strip().splitlines()[-1:])[:200]
                raise CheckFailed(f"your loss works eagerly but fails inside a tf.function: "
                                  f"{type(e).__name__}: {detail}") from None
        else:
            loss, grads = loss_and_grads(logits, actions, returns, baselines)
        if loss is None:
            raise CheckFailed("your function returned None. Did you forget `return`?")
        if loss.shape.num_elements() != 1:
            raise CheckFailed(f"the loss should be one number (a scalar), but it has shape {tuple(loss.shape)}: "
                              "average over the steps.")
        if grads[0] is None:
            raise CheckFailed("the loss has no gradient with respect to the logits: compute it from the logits with "
                              "TensorFlow or keras.ops operations (NumPy, .numpy() or float() cut the gradient).")
        zero = lambda g, n: np.zeros(n) if g is None else np.asarray(g, "float64")  # noqa: E731
        return {"loss": float(np.asarray(loss).reshape(())), "grad_logits": np.asarray(grads[0], "float64"),
                "grad_returns": zero(grads[1], len(case.args[2])),
                "grad_baselines": zero(grads[2], len(case.args[3]))}

    def reference(self, logits, actions, returns, baselines):
        """The course's REINFORCE loss, -mean_t[log pi(a_t|s_t) * stop_gradient(G_t - b_t)] (TensorFlow)."""
        import tensorflow as tf

        log_probs = tf.nn.log_softmax(logits)
        taken = tf.gather(log_probs, tf.cast(actions, tf.int64), batch_dims=1)
        advantages = tf.stop_gradient(tf.cast(returns, log_probs.dtype) - tf.cast(baselines, log_probs.dtype))
        return -tf.reduce_mean(taken * advantages)

    @staticmethod
    def gradient(logits, actions, advantages):
        """d loss / d logits of -mean_t[A_t log softmax(z_t)[a_t]]: -(A_t / N)(onehot(a_t) - softmax(z_t))."""
        logits = np.asarray(logits, "float64")
        onehot = np.eye(logits.shape[1])[actions]
        return -(np.asarray(advantages, "float64") / len(logits))[:, None] * (onehot - _softmax(logits))

    def judge(self, got, case):
        logits, actions, returns, baselines = case.args
        adv = np.asarray(returns, "float64") - np.asarray(baselines, "float64")
        want = self.gradient(logits, actions, adv)
        g = np.asarray(got["grad_logits"], "float64")
        if not np.isfinite(got["loss"]) or not np.isfinite(g).all():
            return ("the loss or its gradient contains nan or inf: a log-probability became log(0). "
                    "Take log-probabilities with tf.nn.log_softmax, not log(softmax(...)).")
        problem = compare_arrays(g, want, self.rtol, self.atol, what="the gradient of your loss with respect to the logits")
        if problem is not None:
            p = _softmax(np.asarray(logits, "float64"))
            n, onehot = len(p), np.eye(p.shape[1])[actions]
            taken_p = p[np.arange(n), actions]
            norm = (adv - adv.mean()) / (adv.std() + 1e-8)
            variants = [
                ("It is the exact opposite: minimizing your loss makes good actions LESS likely (the sign).", -want),
                ("It is the gradient of a SUM over the steps: average instead, so the step size does not grow "
                 "with the batch.", n * want),
                ("It matches log(softmax(z) + a small constant): for an action the policy finds nearly impossible "
                 "the gradient then vanishes, exactly where it should be largest. Use tf.nn.log_softmax.",
                 -(adv * taken_p / (taken_p + 1e-8) / n)[:, None] * (onehot - p)),
                ("It matches weighting the probabilities pi(a|s) instead of the log-probabilities.",
                 -(adv * p[np.arange(n), actions] / n)[:, None] * (onehot - p)),
                ("It matches weighting the raw logits of the taken actions: take log_softmax first.",
                 -(adv / n)[:, None] * onehot),
                ("It matches normalizing the advantages inside the loss: use returns - baselines as given.",
                 self.gradient(logits, actions, norm)),
                ("It matches plain cross-entropy on the taken actions, without the advantage weights.",
                 self.gradient(logits, actions, np.ones(n))),
            ]
            return problem + _diagnose(g, variants)
        if np.abs(got["grad_baselines"]).max() > 1e-6 or np.abs(got["grad_returns"]).max() > 1e-6:
            return ("the loss sends gradients into the returns or the baselines. The advantage G - b is a fixed "
                    "weight, not something to optimize: with a learned baseline trained by the same gradient step "
                    "it would learn to shrink the policy loss instead of predicting returns. Wrap it in "
                    "tf.stop_gradient.")
        return None


EXERCISES = [EpsilonGreedy(), QUpdate(), DiscountedReturns(), ReinforceLoss()]
globals().update(exercises(*EXERCISES))

"""Train the course's CartPole-v1 policy and save it to data/models/cartpole_policy.keras.

Lesson 18 loads it, plays 100 evaluation episodes with it (greedy: the action with the larger
logit) and asserts CartPole-v1's "solved" mark, an average return of at least 475.

Algorithm: REINFORCE with a learned baseline, the same policy-gradient loop the lesson runs for a
few seconds, only longer. Every update plays a batch of 16 complete episodes at once in a
`gymnasium` vector environment (one batched network call per time step, through `tf.function`),
samples actions from the policy's softmax with a seeded NumPy generator, computes the discounted
returns G_t (gamma 0.99; for an episode cut by the 500-step time limit, rather than ended by a
fall, G_t also gets gamma^(T-t) V(s_T), the value network's estimate of the cut-off future), and
takes one Adam step on  -mean(log pi(a_t|s_t) * A_t)  with the
advantage A_t = G_t - V(s_t), normalized over the batch; a separate value network V is fitted to
G_t by mean squared error at the same time (it is only a training aid and is not saved).

Model selection without touching the lesson's evaluation episodes: whenever the batch's mean
return passes 400, the greedy policy plays 100 *selection* episodes (reset seeds 10000..10099);
the best weights so far are kept, and training stops once they score a perfect 500 on all of
them. The saved policy is then reported on 100 further episodes (seeds 20000..20099) that played
no part in any choice; the lesson evaluates on yet another set (seeds 0..99).

The model: float input of shape (4,) (CartPole's observation: cart position, cart velocity, pole
angle, pole angular velocity, unscaled), Dense 32 ReLU - Dense 32 ReLU - Dense 2 (logits for
"push left", "push right"). Saved without optimizer state (about 1,300 parameters).

Seeds everything (Python, NumPy, TensorFlow via keras.utils.set_random_seed, op determinism,
every environment reset), so a re-run on the same machine repeats the same run.

Run:  nice -n 19 .venv/bin/python scripts/train_cartpole_policy.py
Measured here (2 CPU cores shared with other jobs, load average about 17):
RESULT: 78 updates (1248 training episodes) in 1.2 min; greedy policy on selection episodes 500.0,
on 100 report episodes (seeds 20000..20099) mean 500.0, min 500; saved
data/models/cartpole_policy.keras (24 kB). Lesson 18 measures mean 500.0 (min 500) on seeds 0..99.
(An earlier version treated the 500-step truncation as termination, i.e. gave the cut-off future no
value; it needed 89 updates and scored 499.5, min 476, on seeds 0..99.)
"""
import os
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import gymnasium as gym  # noqa: E402
import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "models" / "cartpole_policy.keras"
SEED = 0
N_ENVS = 16               # episodes per update
GAMMA = 0.99
LR = 3e-3
MAX_UPDATES = 1500
SELECTION_SEED, REPORT_SEED = 10_000, 20_000


def discounted_returns(rewards, dones, gamma):
    """G_t = r_t + gamma * G_{t+1}, restarting after every step whose done flag is set."""
    out, g = np.zeros(len(rewards)), 0.0
    for t in range(len(rewards) - 1, -1, -1):
        if dones[t]:
            g = 0.0
        g = rewards[t] + gamma * g
        out[t] = g
    return out


def main():
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(SEED)
    tf.config.experimental.enable_op_determinism()
    rng = np.random.default_rng(SEED)

    def mlp(outputs, name):
        return keras.Sequential([keras.Input((4,)), keras.layers.Dense(32, activation="relu"),
                                 keras.layers.Dense(32, activation="relu"), keras.layers.Dense(outputs)], name=name)

    policy, value = mlp(2, "cartpole_policy"), mlp(1, "value_baseline")
    policy_opt, value_opt = keras.optimizers.Adam(LR), keras.optimizers.Adam(LR)
    obs_spec = tf.TensorSpec([None, 4], tf.float32)

    @tf.function(input_signature=[obs_spec])
    def logits_of(obs):
        return policy(obs)

    @tf.function(input_signature=[obs_spec, tf.TensorSpec([None], tf.int64), tf.TensorSpec([None], tf.float32)])
    def train_step(obs, actions, returns):
        with tf.GradientTape() as value_tape:
            baseline = value(obs)[:, 0]
            value_loss = tf.reduce_mean((returns - baseline) ** 2)
        grads = value_tape.gradient(value_loss, value.trainable_variables)
        value_opt.apply_gradients(zip(grads, value.trainable_variables))
        advantage = returns - tf.stop_gradient(baseline)
        advantage = (advantage - tf.reduce_mean(advantage)) / (tf.math.reduce_std(advantage) + 1e-8)
        with tf.GradientTape() as tape:
            log_probs = tf.nn.log_softmax(policy(obs))
            chosen = tf.gather(log_probs, actions, batch_dims=1)
            loss = -tf.reduce_mean(chosen * advantage)
        policy_opt.apply_gradients(zip(tape.gradient(loss, policy.trainable_variables), policy.trainable_variables))
        return loss

    envs = gym.make_vec("CartPole-v1", num_envs=N_ENVS, vectorization_mode="sync")
    eval_envs = gym.make_vec("CartPole-v1", num_envs=100, vectorization_mode="sync")

    def play_batch(seed):
        """One complete episode in each env; the episodes laid end to end with done flags."""
        obs, _ = envs.reset(seed=seed)
        steps, alive = [], np.ones(N_ENVS, bool)
        last_obs, cut_short = np.zeros((N_ENVS, 4), "float32"), np.zeros(N_ENVS, bool)
        while alive.any():
            logits = logits_of(obs.astype("float32")).numpy()
            p_right = 1.0 / (1.0 + np.exp(logits[:, 0] - logits[:, 1]))
            actions = (rng.random(N_ENVS) < p_right).astype("int64")
            next_obs, rewards, terminated, truncated, _ = envs.step(actions)
            steps.append((obs, actions, rewards, alive.copy()))
            ending = alive & (terminated | truncated)
            last_obs[ending] = next_obs[ending]              # the state after the last step
            cut_short |= ending & truncated & ~terminated    # ended by the time limit, not by a fall
            alive &= ~(terminated | truncated)
            obs = next_obs
        O, A, R, M = (np.array(x) for x in zip(*steps))          # each [time, env]
        lengths = M.sum(0)
        cut = [slice(0, n) for n in lengths]
        obs_f = np.concatenate([O[c, i] for i, c in enumerate(cut)]).astype("float32")
        act_f = np.concatenate([A[c, i] for i, c in enumerate(cut)])
        rew_f = np.concatenate([R[c, i] for i, c in enumerate(cut)])
        done_f = np.concatenate([np.arange(n) == n - 1 for n in lengths])
        # An episode cut by the 500-step limit did not end: its last state still has a future. Its
        # returns get the discounted value of the state after the last step, V(s_T), added
        # (bootstrapping, Pardo et al. 2018); an episode that terminated gets nothing added.
        v_last = value(last_obs)[:, 0].numpy() * cut_short
        boot_f = np.concatenate([GAMMA ** (n - np.arange(n)) * v_last[i] for i, n in enumerate(lengths)])
        return obs_f, act_f, rew_f, done_f, boot_f, lengths

    def evaluate(seed):
        """Greedy returns of 100 episodes (reset seeds seed..seed+99), all played at once."""
        obs, _ = eval_envs.reset(seed=seed)
        returns, done = np.zeros(100), np.zeros(100, bool)
        while not done.all():
            actions = logits_of(obs.astype("float32")).numpy().argmax(1)
            obs, rewards, terminated, truncated, _ = eval_envs.step(actions)
            returns += rewards * ~done
            done |= terminated | truncated
        return returns

    start, best = time.perf_counter(), -1.0
    best_weights = None
    for update in range(1, MAX_UPDATES + 1):
        obs, actions, rewards, dones, boot, lengths = play_batch(int(rng.integers(2**31 - 1)))
        returns = (discounted_returns(rewards, dones, GAMMA) + boot).astype("float32")
        train_step(obs, actions, returns)
        line = f"{time.perf_counter() - start:7.1f} s  update {update:4d}  batch mean return {lengths.mean():6.1f}"
        if lengths.mean() > 400:
            score = evaluate(SELECTION_SEED).mean()
            line += f"  greedy on selection episodes {score:6.1f}"
            if score >= best:
                best, best_weights = score, policy.get_weights()
        if update % 10 == 0 or lengths.mean() > 400:
            print(line, flush=True)
        if best >= 500.0:
            break

    policy.set_weights(best_weights)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    policy.save(OUT, include_optimizer=False)
    report = evaluate(REPORT_SEED)
    minutes = (time.perf_counter() - start) / 60
    print(f"RESULT: {update} updates ({update * N_ENVS} training episodes) in {minutes:.1f} min; "
          f"greedy policy on selection episodes {best:.1f}, on 100 report episodes (seeds "
          f"{REPORT_SEED}..{REPORT_SEED + 99}) mean {report.mean():.1f}, min {report.min():.0f}; "
          f"saved {OUT.relative_to(ROOT)} ({OUT.stat().st_size / 1e3:.0f} kB)", flush=True)


if __name__ == "__main__":
    main()

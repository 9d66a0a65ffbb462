"""Reinforcement learning diagrams: the agent-environment loop."""
from .draw import arrow, box, canvas, label


def agent_environment_loop():
    """The loop every RL problem runs: the agent acts, the environment answers with a reward and
    the next state; an episode ends terminated (the task is over) or truncated (a time limit)."""
    fig, ax = canvas(8.4, 4.2)
    agent = box(ax, (4.2, 3.3), "agent\npolicy $\\pi(a \\mid s)$", kind="hidden", w=2.6, h=1.0, fontsize=11)
    env = box(ax, (4.2, 0.9), "environment\n(CartPole, FrozenLake)", kind="input", w=2.6, h=1.0, fontsize=11)
    # action: agent -> environment, down the right side
    arrow(ax, (5.5, 3.3), (7.2, 3.3), style="-")
    arrow(ax, (7.2, 3.3), (7.2, 0.9), style="-")
    arrow(ax, (7.2, 0.9), (5.5, 0.9))
    label(ax, (7.55, 2.1), "action $a_t$", rotation=-90, fontsize=10)
    # state and reward: environment -> agent, up the left side
    arrow(ax, (2.9, 0.75), (1.0, 0.75), style="-")
    arrow(ax, (1.0, 0.75), (1.0, 3.2), style="-")
    arrow(ax, (1.0, 3.2), (2.9, 3.2))
    arrow(ax, (2.9, 1.05), (1.6, 1.05), style="-")
    arrow(ax, (1.6, 1.05), (1.6, 3.45), style="-")
    arrow(ax, (1.6, 3.45), (2.9, 3.45))
    label(ax, (0.6, 2.0), "next state $s_{t+1}$", rotation=90, fontsize=10)
    label(ax, (2.0, 2.3), "reward $r_t$", rotation=90, fontsize=10)
    label(ax, (4.2, 2.1), "repeat until terminated (the task ended)\nor truncated (a time limit cut it short)",
          fontsize=9, style="italic")
    return fig

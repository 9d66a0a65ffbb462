"""Lesson 01: other correct XOR designs pass (any hidden width, lists or float32, a bias on the
output, no biases, a scalar output bias); the diagrams draw."""
import numpy as np

from dlbasics.checks import lesson


def test_other_xor_designs_pass():
    l01 = lesson("01")
    # 1 - relu(1 - x1 - x2) - relu(x1 + x2 - 1): uses the output bias
    l01.exercise_4(lambda: (np.array([[-1.0, 1.0], [-1.0, 1.0]]), np.array([1.0, -1.0]), np.array([[-1.0], [-1.0]]), np.array([1.0])))
    # |x1 - x2| = relu(x1 - x2) + relu(x2 - x1), no biases at all; and the course's design scaled 1000x / 0.001x
    l01.exercise_4(lambda: (np.array([[1.0, -1.0], [-1.0, 1.0]]), np.zeros(2), np.ones((2, 1)), np.zeros(1)))
    l01.exercise_4(lambda: (1000 * np.ones((2, 2)), np.array([0.0, -1000.0]), np.array([[0.001], [-0.002]]), 0.0))
    # three units: relu(x1) + relu(x2) - 2 relu(x1 + x2 - 1), float32 and a (1, 1)-shaped output bias
    l01.exercise_4(lambda: (np.array([[1, 0, 1], [0, 1, 1]], "float32"), np.array([0, 0, -1], "float32"),
                            np.array([[1], [1], [-2]], "float32"), np.zeros((1, 1), "float32")))


def test_diagrams_draw():
    import matplotlib

    matplotlib.use("Agg")
    from dlbasics.diagrams import networks

    for fig in (networks.neuron(), networks.mlp(), networks.mlp((2, 12, 12, 12, 1), ("input", "Dense", "Dense", "Dense", "output"))):
        assert fig.axes

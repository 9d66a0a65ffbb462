"""Schematic figures the lessons show (a neuron, an unrolled RNN, an LSTM cell, ...), drawn by
our own matplotlib code so every picture is ours and renders offline. `draw.py` holds the few
primitives (nodes, boxes, arrows); each topic has a module of its own that returns a Figure."""

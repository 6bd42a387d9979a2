"""Convolves with scipy.signal instead of writing the convolution."""
from scipy import signal  # noqa: F401

from _reference import *  # noqa: F401,F403

KATA, AFFECTED, EXPECT = "conv2d", ("visible", "hidden", "speed"), "imports scipy.signal"

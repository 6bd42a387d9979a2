"""Convolves with scipy.signal instead of writing the convolution."""

from _reference import *  # noqa: F401,F403
from scipy import signal  # noqa: F401

KATA, AFFECTED, EXPECT = "conv2d", ("visible", "hidden", "speed"), "imports scipy.signal"

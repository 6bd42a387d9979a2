"""Builds the library's name at run time so that no import statement names it."""

from _reference import *  # noqa: F401,F403

KATA, AFFECTED, EXPECT = "iou", ("visible", "hidden", "speed"), "calls __import__ with a computed name"

library = __import__("torch" + "vision")

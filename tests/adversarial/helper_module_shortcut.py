"""Hides the forbidden import in a helper module shipped beside the submission, and swallows the ImportError.

The source of this file names nothing forbidden; the worker's import guard catches the helper at run time, and
an attempt counts even when it is caught.
"""

from _reference import *  # noqa: F401,F403

KATA, AFFECTED, EXPECT = "iou", ("visible", "hidden", "speed"), "forbidden: _shortcut.py imports torchvision"
HELPERS = {"_shortcut.py": "from torchvision.ops import box_iou\n"}

try:
    from _shortcut import box_iou  # noqa: F811
except ImportError:
    pass

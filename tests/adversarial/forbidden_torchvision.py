"""Calls the reference library instead of implementing the kata (the import sits in a function body)."""

from _reference import *  # noqa: F401,F403

KATA, AFFECTED, EXPECT = "iou", ("visible", "hidden", "speed"), "forbidden: iou.py line 9 imports torch "


def box_iou(boxes1, boxes2):
    import torch
    from torchvision.ops import box_iou as library_box_iou

    return library_box_iou(torch.from_numpy(boxes1), torch.from_numpy(boxes2)).numpy()

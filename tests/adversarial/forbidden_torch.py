"""Uses torch in a NumPy kata: the focal loss through torch's sigmoid and autograd."""

import numpy as np
import torch
from _reference import *  # noqa: F401,F403

KATA, AFFECTED, EXPECT = "focal_loss", ("visible", "hidden", "speed"), "imports torch (the katas are written in NumPy"


def sigmoid_focal_loss_grad(logits, targets, alpha=0.25, gamma=2.0):
    x = torch.from_numpy(np.asarray(logits)).requires_grad_()
    p = torch.sigmoid(x)
    t = torch.from_numpy(np.asarray(targets))
    ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction="none")
    loss = (ce * ((1 - (p * t + (1 - p) * (1 - t))) ** gamma) * (alpha * t + (1 - alpha) * (1 - t))).sum()
    loss.backward()
    return x.grad.numpy()

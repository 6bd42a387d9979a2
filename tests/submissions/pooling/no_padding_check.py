"""Any padding is accepted: torch raises when the padding is larger than half the kernel (a window could then lie
entirely in the padding), and the contract asks for a ValueError."""

import _reference as ref
from _reference import *  # noqa: F401,F403

CAUGHT_BY = "hidden"

_window_arguments = ref._window_arguments


def _any_padding(kernel_size, stride, padding, dilation):
    kernel = ref._pair(kernel_size, "kernel_size")
    pad = ref._pair(padding, "padding")
    # check with the padding clipped to what is allowed, then use the real one
    (k, s, _, d) = _window_arguments(
        kernel, stride, (min(pad[0], kernel[0] // 2), min(pad[1], kernel[1] // 2)), dilation
    )
    return k, s, pad, d


ref._window_arguments = _any_padding

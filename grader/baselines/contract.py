"""The baseline contract: what a kata's module ``grader.baselines.<slug>`` gives the speed check.

The harness imports the module before the submission, then, each round, draws fresh inputs with
``make_inputs``, times ``run_baseline`` and ``run_submission`` on them (interleaved) and checks the
submission's output with ``compare``. Besides these names the module holds the kata's functions, compiled
(Cython or numba) as a production kernel would be; the hidden tests and the benchmarks call those.

A module satisfies :class:`Baseline` structurally: its functions are the protocol's methods without ``self``.
``python -m grader dev check`` holds every baseline module to it.
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import numpy as np


class Baseline(Protocol):
    WORKLOAD: str
    """One line for the report: what one round times, at what size and dtype
    (e.g. ``"box_iou + generalized_box_iou, 1500 x 1500 float32 boxes"``)."""

    def make_inputs(self, rng: np.random.Generator) -> Any:
        """One round's inputs, usually a tuple of arrays, drawn from ``rng`` only.

        Every round has the same sizes and distribution and fresh values, so that remembering earlier
        answers never pays.
        """

    def run_baseline(self, inputs: Any) -> Any:
        """The baseline's output on ``inputs`` (what ``make_inputs`` returned): the timed reference call."""

    def run_submission(self, module: ModuleType, inputs: Any) -> Any:
        """The submission's output on ``inputs``: the same calls as ``run_baseline``, on ``module``'s functions."""

    def compare(self, got: Any, expected: Any) -> str | None:
        """``None`` when ``got`` (``run_submission``'s output) matches ``expected`` (``run_baseline``'s),
        else a one-line reason, shown in the report."""


ATTRIBUTES: tuple[str, ...] = tuple(Baseline.__annotations__)
FUNCTIONS: tuple[str, ...] = tuple(
    name for name, value in vars(Baseline).items() if callable(value) and not name.startswith("_")
)

"""The kata registry: the one list of katas that every other part of the grader reads.

Adding a kata means a folder ``solutions/NN_slug/`` (plus its exercise and hidden tests), a baseline module
``grader/baselines/<slug>.py``, a benchmark case module ``benchmarks/cases/<slug>.py``, and one entry in
:data:`KATAS`; ``python -m grader dev tables`` then rewrites the README's lists of katas from it.

A course's repository (``python -m grader export student DIR SLUG ...``) holds only some katas: a course file
beside this module names them, and :data:`KATAS` is then that selection. Without the file, every kata is in.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Points:
    """Points for each check group; a group scores all of its points or none."""

    visible: int
    hidden: int
    speed: int

    @property
    def total(self) -> int:
        return self.visible + self.hidden + self.speed

    def of(self, group: str) -> int:
        return getattr(self, group)


@dataclass(frozen=True)
class Kata:
    number: int
    slug: str
    title: str
    functions: tuple[str, ...]  # the public API a learner writes, as in the kata contract
    points: Points
    speed_target: float  # the submission may take at most this many times the baseline's time
    baseline_kind: str  # "cython" or "numba": shown in the report next to the ratio
    time_limit: float = 240.0  # seconds for the kata's whole grading subprocess
    test_timeout: float = 30.0  # seconds for any one test
    shortcuts: tuple[str, ...] = ()  # modules that would do this kata's work, beyond FORBIDDEN_EVERYWHERE
    topic: str = ""  # a few words for lists of katas ("vectorised NMS"); the title when empty
    graded_against: str = ""  # what the hidden tests compare with, besides the baseline ("torchvision golden data")

    @property
    def forbidden_imports(self) -> dict[str, str]:
        """Module name -> the reason a submission may not import it (a name covers its submodules)."""
        own = {
            name: f"it does this kata's work; implement {', '.join(self.functions)} yourself" for name in self.shortcuts
        }
        return {**FORBIDDEN_EVERYWHERE, **own}

    @property
    def folder(self) -> str:
        return f"{self.number:02d}_{self.slug}"

    @property
    def module(self) -> str:
        return self.slug

    @property
    def filename(self) -> str:
        return f"{self.slug}.py"

    @property
    def visible_test_file(self) -> str:
        return f"test_{self.slug}.py"

    @property
    def hidden_test_file(self) -> str:
        return f"test_{self.slug}_hidden.py"

    # Paths, built here only: ``root`` is a checkout (or a folder laid out like ``exercises/``).
    def impl_path(self, impl_root: Path) -> Path:
        """The learner's file in a folder laid out like ``exercises/``."""
        return impl_root / self.folder / self.filename

    def exercise_dir(self, root: Path) -> Path:
        return root / "exercises" / self.folder

    def stub_path(self, root: Path) -> Path:
        return self.impl_path(root / "exercises")

    def visible_tests_path(self, root: Path) -> Path:
        return self.exercise_dir(root) / self.visible_test_file

    def readme_path(self, root: Path) -> Path:
        return self.exercise_dir(root) / "README.md"

    def solution_path(self, root: Path) -> Path:
        return self.impl_path(root / "solutions")

    def hidden_dir(self, hidden_root: Path) -> Path:
        """The kata's folder in a hidden-tests tree (``hidden_tests/`` or the teacher's private copy)."""
        return hidden_root / self.folder

    def hidden_tests_path(self, hidden_root: Path) -> Path:
        return self.hidden_dir(hidden_root) / self.hidden_test_file

    @property
    def baseline_module(self) -> str:
        return f"grader.baselines.{self.slug}"

    @property
    def label(self) -> str:
        return f"{self.number:02d} {self.slug}"


GROUPS = ("visible", "hidden", "speed")
BASELINE_KINDS = {"cython": "Cython", "numba": "numba"}  # baseline_kind -> its name in prose

_LIBRARY = "the katas are written in NumPy; calling a vision library skips the exercise"
_PROJECT = "it holds the project's own answers"
_INTERPRETER = "a kata never needs it: it reaches into the interpreter or the machine instead of computing"
_PARALLEL = "it runs work beside the submission's one thread, and the speed target compares single-threaded code"
_COMPILER = "the katas are NumPy katas: a compiler changes what the speed target measures"
FORBIDDEN_EVERYWHERE = {
    **dict.fromkeys(
        (
            "torch",
            "torchvision",
            "cv2",
            "detectron2",
            "mmcv",
            "mmdet",
            "kornia",
            "tensorflow",
            "jax",
            "skimage",
            "ultralytics",
            "torchmetrics",
        ),
        _LIBRARY,
    ),
    **dict.fromkeys(("grader", "solutions", "hidden_tests"), _PROJECT),
    **dict.fromkeys(
        (
            "numba",
            "llvmlite",
            "Cython",
            "pyximport",
            "pythran",
            "taichi",
            "numexpr",
            "cffi",
            "cupy",
            "mypyc",
            "jaxlib",
            "tvm",
            "triton",
        ),
        _COMPILER,
    ),
    **dict.fromkeys(("subprocess", "multiprocessing", "threading", "_thread", "concurrent"), _PARALLEL),
    # Not a defence (the sandbox is): none of these belongs in a NumPy kata, and each would make a grade harder
    # to read (a submission that inspects its caller, signals, or opens sockets).
    **dict.fromkeys(
        (
            "ctypes",
            "gc",
            "inspect",
            "importlib",
            "builtins",
            "__main__",
            "pytest",
            "_pytest",
            "pluggy",
            "signal",
            "socket",
            "pty",
            "resource",
            "tracemalloc",
            "faulthandler",
            "atexit",
        ),
        _INTERPRETER,
    ),
}

_ENTRIES = (
    Kata(
        number=1,
        slug="iou",
        title="Box IoU and generalized IoU",
        functions=("box_area", "box_iou", "generalized_box_iou"),
        points=Points(visible=3, hidden=5, speed=2),
        speed_target=60.0,
        baseline_kind="cython",
        topic="box IoU",
        graded_against="torchvision golden data",
    ),
    Kata(
        number=2,
        slug="nms",
        title="Greedy and batched non-maximum suppression",
        functions=("nms", "batched_nms"),
        points=Points(visible=3, hidden=5, speed=2),
        speed_target=30.0,
        baseline_kind="numba",
        topic="vectorised NMS",
        graded_against="torchvision golden data",
    ),
    Kata(
        number=3,
        slug="anchors",
        title="Anchor generation and box-delta coding",
        functions=("cell_anchors", "grid_anchors", "encode_boxes", "decode_boxes"),
        points=Points(visible=3, hidden=5, speed=2),
        speed_target=30.0,
        baseline_kind="cython",
        topic="anchor generation",
        graded_against="detectron2 semantics",
    ),
    Kata(
        number=4,
        slug="roi_align",
        title="RoI Align: bilinear sampling, bins and the boundary rule",
        functions=("bilinear_interpolate", "roi_align"),
        points=Points(visible=3, hidden=5, speed=2),
        speed_target=80.0,
        baseline_kind="numba",
        shortcuts=("scipy.ndimage",),
        topic="RoI Align",
        graded_against="torchvision's C++ kernel (golden data)",
    ),
    Kata(
        number=5,
        slug="conv2d",
        title="Conv2d forward and backward: stride, padding, dilation, groups",
        functions=("conv2d_forward", "conv2d_backward"),
        points=Points(visible=3, hidden=5, speed=2),
        speed_target=25.0,
        baseline_kind="cython",
        shortcuts=("scipy.signal", "scipy.ndimage"),
        topic="conv2d forward/backward",
        graded_against="torch, recorded (forward and autograd)",
    ),
    Kata(
        number=6,
        slug="focal_loss",
        title="Sigmoid focal loss and its gradient",
        functions=("sigmoid_focal_loss", "sigmoid_focal_loss_grad"),
        points=Points(visible=3, hidden=5, speed=2),
        speed_target=60.0,
        baseline_kind="cython",
        topic="focal loss",
        graded_against="torchvision golden data, torch autograd recorded",
    ),
    Kata(
        number=7,
        slug="coco_map",
        title="COCO mAP: matching, accumulation and the twelve summary numbers",
        functions=("evaluate",),
        points=Points(visible=3, hidden=5, speed=2),
        speed_target=11.0,
        baseline_kind="numba",
        shortcuts=("pycocotools", "faster_coco_eval"),
        topic="COCO mAP@0.5:0.95",
        graded_against="pycocotools live",
    ),
    Kata(
        number=8,
        slug="normalization",
        title="Batch, layer and group normalization",
        functions=(
            "batch_norm_forward",
            "batch_norm_backward",
            "layer_norm_forward",
            "layer_norm_backward",
            "group_norm_forward",
            "group_norm_backward",
        ),
        points=Points(visible=3, hidden=5, speed=2),
        speed_target=20.0,
        baseline_kind="numba",
        topic="batch/layer/group norm",
        graded_against="torch, recorded (forward and autograd)",
    ),
    Kata(
        number=9,
        slug="cross_entropy",
        title="Softmax cross-entropy with label smoothing",
        functions=("cross_entropy", "cross_entropy_grad"),
        points=Points(visible=3, hidden=5, speed=2),
        speed_target=24.0,
        baseline_kind="cython",
        topic="cross-entropy with label smoothing",
        graded_against="torch, recorded (forward and autograd)",
    ),
    Kata(
        number=10,
        slug="pooling",
        title="Max, average and adaptive pooling",
        functions=(
            "max_pool2d",
            "max_pool2d_backward",
            "avg_pool2d",
            "avg_pool2d_backward",
            "adaptive_avg_pool2d",
            "adaptive_avg_pool2d_backward",
        ),
        points=Points(visible=3, hidden=5, speed=2),
        speed_target=10.0,
        baseline_kind="numba",
        topic="max/avg/adaptive pooling",
        graded_against="torch, recorded (forward, indices and autograd)",
    ),
    Kata(
        number=11,
        slug="quantization",
        title="Per-channel INT8 fake quantization",
        functions=("per_channel_symmetric_qparams", "fake_quantize_per_channel", "fake_quantize_per_channel_grad"),
        points=Points(visible=3, hidden=5, speed=2),
        speed_target=15.0,
        baseline_kind="numba",
        topic="per-channel INT8 fake quantization",
        graded_against="torch, recorded (observer, fake_quantize_per_channel_affine, autograd)",
    ),
)


class UnknownKata(LookupError):
    pass


# Written by the student export, read here only: {"katas": [slug, ...]}. JSON, because Python 3.10 reads no TOML.
COURSE_FILE = Path(__file__).with_name("course.json")


def course_text(katas: list[Kata] | tuple[Kata, ...]) -> str:
    """The course file that selects ``katas``."""
    return json.dumps({"katas": [k.slug for k in katas]}, indent=1) + "\n"


def _course(katas: tuple[Kata, ...], path: Path = COURSE_FILE) -> tuple[Kata, ...]:
    """The katas the course file selects; all of them when there is no course file."""
    if not path.is_file():
        return katas
    try:
        chosen = json.loads(path.read_text())["katas"]
    except (ValueError, KeyError, TypeError) as exc:
        raise UnknownKata(f'{path}: not a course file ({{"katas": [slug, ...]}}): {exc}') from None
    unknown = sorted(set(chosen) - {k.slug for k in katas})
    if unknown:
        raise UnknownKata(f"{path} names unknown katas {unknown}; valid katas: {', '.join(k.slug for k in katas)}")
    return tuple(k for k in katas if k.slug in chosen)


KATAS: tuple[Kata, ...] = _course(tuple(sorted(_ENTRIES, key=lambda k: k.number)))


def find(name: str) -> Kata:
    """Look a kata up by slug (``nms``), number (``2``, ``02``) or folder name (``02_nms``)."""
    key = name.strip().lower().rstrip("/").split("/")[-1]
    for kata in KATAS:
        if key in (kata.slug, kata.folder, str(kata.number), f"{kata.number:02d}"):
            return kata
    valid = ", ".join(k.slug for k in KATAS)
    close = _close_slugs(key)
    guess = f"did you mean {' or '.join(close)}? " if close else ""
    raise UnknownKata(f"unknown kata {name!r}; {guess}valid katas: {valid}")


def _close_slugs(key: str) -> list[str]:
    """The slugs a mistyped name most likely meant: a near spelling (``nsm``, ``roialign``, ``02_nm``) or a
    part of the name (``roi``, ``map``); none for a name like no kata's."""
    by_name = {k.slug: k.slug for k in KATAS} | {k.folder: k.slug for k in KATAS}
    found = [by_name[n] for n in difflib.get_close_matches(key, list(by_name), n=4, cutoff=0.6)]
    if len(key) >= 3:
        found += [k.slug for k in KATAS if key in k.slug or k.slug in key]
    return list(dict.fromkeys(found))[:2]


def select(names: list[str] | tuple[str, ...]) -> list[Kata]:
    """The katas named (all of them when no name is given), in registry order, without duplicates."""
    if not names:
        return list(KATAS)
    chosen = {find(n).slug for n in names}
    return [k for k in KATAS if k.slug in chosen]

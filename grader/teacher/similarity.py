"""``python -m grader regrade --similarity [DIR]``: how much of each submission is a baseline's or a classmate's.

The student template ships the compiled baselines' sources (``grader/baselines/<slug>.py`` and the ``.pyx``
kernels it imports), since the speed checks need them, and a copy of a baseline passes the correctness
checks. This module measures, per student and kata, the largest share of the student's file that is found
in one of the kata's baseline files and in one other student's file for the same kata, with copydetect
(winnowed k-gram fingerprints of the tokenized code, as in MOSS). It flags; it never changes a score.

A score is the share of the student's own code (its fingerprinted tokens, after the boilerplate is removed)
that also appears in the other file: 1.0 for a verbatim copy. Tokenizing maps every identifier to one
symbol and drops comments, so renaming and re-commenting do not lower it; reordering functions lowers it
only at the seams. The kata's stub (``exercises/NN_slug/slug.py``: docstrings, signatures, imports) is
every submission's starting point and is passed as boilerplate, so a stub left as it is scores 0.

Thresholds, measured on this repository's files with the settings below (noise threshold 25, window 1):

- a baseline's kata functions and helpers copied with identifiers renamed, functions reordered, comments
  and docstrings removed, or all three: 0.84 to 1.00 against the baseline (0.84: iou, all three at once);
  the stub kept with the baseline's bodies pasted in and its helpers appended: 0.83 to 0.98;
- the reference solutions and the known-bad submissions of ``tests/submissions/`` (written without the
  baselines): at most 0.31 against any baseline;
- independently written full submissions against each other: at most 0.43 (focal loss); variants that one
  author built on a shared prelude (conv2d's loop variants): up to 0.68; two differently edited copies of
  one file: 0.85 and above.

Hence :data:`BASELINE_THRESHOLD` 0.5 and :data:`PEER_THRESHOLD` 0.75. A flag also needs
:data:`MIN_OVERLAP` matching characters of tokenized code, so that a file holding little more than a line
that everybody writes alike (``(x2 - x1) * (y2 - y1)``) is not flagged for it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.registry import Kata

EXTRA = "teacher"
NOISE = 25  # characters of tokenized code in a fingerprint: copydetect's default
BASELINE_THRESHOLD = 0.5
PEER_THRESHOLD = 0.75
MIN_OVERLAP = 150  # tokenized characters: four or five lines of code
BASELINE = "baseline"  # the source named in a column when the other file is a baseline


class SimilarityUnavailable(RuntimeError):
    """copydetect is not installed."""


def require() -> Any:
    """The ``copydetect.detector`` module, or :class:`SimilarityUnavailable` naming the extra that installs it."""
    try:
        from copydetect import detector
    except ImportError:
        raise SimilarityUnavailable(
            f"--similarity needs copydetect: pip install -e '.[{EXTRA}]' (or pip install copydetect)"
        ) from None
    return detector


@dataclass(frozen=True)
class Match:
    """The closest other file to one student's file for one kata.

    Attributes:
        score (float): share of the student's fingerprinted code also found in ``file``, in [0, 1].
        source (str): :data:`BASELINE` or the other student's name.
        file (Path): the other file.
        overlap (int): matching characters of tokenized code.
    """

    score: float
    source: str
    file: Path
    overlap: int

    def flagged(self, threshold: float) -> bool:
        return self.score >= threshold and self.overlap >= MIN_OVERLAP

    def __str__(self) -> str:
        return f"{self.source} {self.score:.2f}"


@dataclass
class KataDetection:
    """One kata's comparison: copydetect's detector (kept for its report) and each student's closest files.

    Attributes:
        kata (Kata): the kata.
        detector (copydetect.CopyDetector | None): after ``run()``, its test files are the students' files;
            None when no student has a readable file for the kata.
        baseline (dict[str, Match | None]): per student, the closest baseline file (None: no file to compare).
        peer (dict[str, Match | None]): per student, the closest other student's file (None: nothing in common).
    """

    kata: Kata
    detector: Any
    baseline: dict[str, Match | None]
    peer: dict[str, Match | None]


def baseline_sources(kata: Kata, root: Path) -> list[Path]:
    """The kata's baseline module and the ``.pyx`` kernels it imports from ``grader.baselines``.

    Args:
        kata (Kata): the kata.
        root (Path): the checkout holding ``grader/``.

    Returns:
        list[Path]: existing files, the module first.
    """
    module = root.joinpath(*kata.baseline_module.split(".")).with_suffix(".py")
    if not module.is_file():
        return []
    package = kata.baseline_module.rpartition(".")[0]
    kernels = []
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.ImportFrom) or not node.module:
            continue
        # ``from grader.baselines._iou_kernels import f`` and ``from grader.baselines import _anchor_kernels``
        names = [node.module] if node.module != package else [f"{package}.{a.name}" for a in node.names]
        for name in names:
            pyx = root.joinpath(*name.split(".")).with_suffix(".pyx")
            if name.startswith(package + ".") and pyx.is_file() and pyx not in kernels:
                kernels.append(pyx)
    return [module, *kernels]


def _readable(path: Path) -> bool:
    # copydetect skips an undecodable file with a logged warning: leave it out, and its cell empty, instead
    try:
        path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return True


def _closest(detector: Any, row: int, candidates: dict[str, str]) -> Match | None:
    """The best of ``candidates`` (file path -> source name) for the detector's test file ``row``."""
    best = None
    for col, ref in enumerate(detector.ref_files):
        if ref not in candidates:
            continue
        score = float(detector.similarity_matrix[row, col, 0])
        if score < 0:  # a pair copydetect did not compare: the file itself
            continue
        match = Match(score, candidates[ref], Path(ref), int(detector.token_overlap_matrix[row, col]))
        if best is None or (match.score, match.overlap) > (best.score, best.overlap):
            best = match
    return best


def detect_kata(kata: Kata, students: list[tuple[str, Path]], root: Path) -> KataDetection:
    """Compare every student's file for ``kata`` with the baselines and with each other.

    Args:
        kata (Kata): the kata.
        students (list[tuple[str, Path]]): (name, repository folder holding ``exercises/``) per student.
        root (Path): the checkout holding ``grader/baselines/`` and the stubs in ``exercises/``.

    Returns:
        KataDetection: a student without a readable file for the kata is in neither of its dicts.
    """
    detector_module = require()
    files = {name: kata.impl_path(folder / "exercises") for name, folder in students}
    owners = {str(path): name for name, path in files.items() if _readable(path)}
    if not owners:
        return KataDetection(kata, None, {}, {})
    bases = {str(path): BASELINE for path in baseline_sources(kata, root)}
    detector = detector_module.CopyDetector(
        extensions=["py", "pyx"],
        noise_t=NOISE,
        guarantee_t=NOISE,  # window 1: every fingerprint kept, so scores do not depend on Python's hash seed
        autoopen=False,
        silent=True,
    )
    for path in owners:
        detector.add_file(path, "testref")
    for path in bases:
        detector.add_file(path, "ref")
    stub = kata.stub_path(root)
    if stub.is_file():
        detector.add_file(str(stub), "boilerplate")
    detector.run()

    baseline, peer = {}, {}
    for row, path in enumerate(detector.test_files):
        name = owners[path]
        baseline[name] = _closest(detector, row, bases)
        others = {p: n for p, n in owners.items() if n != name}
        found = _closest(detector, row, others)
        peer[name] = found if found and found.score > 0 else None
    return KataDetection(kata, detector, baseline, peer)


def detect(katas: list[Kata], students: list[tuple[str, Path]], root: Path) -> list[KataDetection]:
    """:func:`detect_kata` for each kata, in order.

    Raises:
        SimilarityUnavailable: copydetect is not installed.
    """
    require()
    return [detect_kata(kata, students, root) for kata in katas]


def column(kata: Kata) -> str:
    return f"similarity_{kata.slug}"


def similarity_columns(
    detections: list[KataDetection],
    baseline_threshold: float = BASELINE_THRESHOLD,
    peer_threshold: float = PEER_THRESHOLD,
) -> tuple[list[str], dict[str, dict[str, str]]]:
    """CSV columns: per kata, the closest baseline and classmate (``baseline 0.93 / alice 0.88``); then ``flags``.

    Args:
        detections (list[KataDetection]): from :func:`detect`.
        baseline_threshold (float): flag a student whose file is at least this much a baseline's.
        peer_threshold (float): flag a student whose file is at least this much a classmate's.

    Returns:
        tuple[list[str], dict[str, dict[str, str]]]: the column names, and per student the cells (a kata the
        student has no readable file for is left out, so its cell stays empty).
    """
    names = [column(d.kata) for d in detections] + ["flags"]
    rows: dict[str, dict[str, str]] = {}
    flags: dict[str, list[str]] = {}
    for d in detections:
        for student, base in d.baseline.items():
            peer = d.peer[student]
            rows.setdefault(student, {})[column(d.kata)] = " / ".join(str(m) for m in (base, peer) if m)
            hits = [str(m) for m, t in ((base, baseline_threshold), (peer, peer_threshold)) if m and m.flagged(t)]
            if hits:
                flags.setdefault(student, []).append(f"{d.kata.slug}: {', '.join(hits)}")
    for student, row in rows.items():
        row["flags"] = "; ".join(flags.get(student, []))
    return names, rows


def write_html(detections: list[KataDetection], out_dir: Path, display: float = BASELINE_THRESHOLD) -> list[Path]:
    """copydetect's report per kata that has files, ``OUT_DIR/NN_slug.html``: each pair scoring above ``display``.

    Args:
        detections (list[KataDetection]): from :func:`detect`.
        out_dir (Path): the folder, created if missing.
        display (float): the lowest score a pair needs to be shown.

    Returns:
        list[Path]: the reports written.
    """
    require()
    import matplotlib

    # the report's two plots are drawn off screen: no window, and no display needed on a server
    matplotlib.use("agg")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for d in detections:
        if d.detector is None:
            continue
        d.detector.conf.display_t = display
        path = out_dir / f"{d.kata.folder}.html"
        path.write_text(d.detector.generate_html_report(output_mode="return"), encoding="utf-8")
        written.append(path)
    return written

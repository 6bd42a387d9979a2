"""Kata 07: the reference solution and the compiled baseline agree with pycocotools on hundreds of seeded
random datasets full of edge cases, and ``python -m grader.coco`` reproduces pycocotools on COCO JSON."""

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

from grader import coco as cli
from grader.baselines import coco_map as baseline

ROOT = Path(__file__).resolve().parents[1]


def _load_solution():
    spec = importlib.util.spec_from_file_location(
        "coco_map_solution", ROOT / "solutions" / "07_coco_map" / "coco_map.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


solution = _load_solution()


def _dataset(seed):
    rng = np.random.default_rng([2026, seed])
    big = seed % 6 == 0
    return baseline.random_dataset(
        rng,
        n_images=int(rng.integers(1, 30 if big else 9)),
        n_classes=int(rng.integers(1, 6)),
        max_gt=int(rng.integers(1, 15)),
        max_dt=int(rng.integers(1, 40)),
    )


@pytest.mark.parametrize("block", range(6))
def test_random_agreement_with_pycocotools(block):
    failures = []
    for seed in range(block * 60, (block + 1) * 60):
        data = _dataset(seed)
        expected = baseline.pycocotools_evaluate(*data)
        for name, evaluate in (("solution", solution.evaluate), ("baseline", baseline.evaluate)):
            bad = baseline.differences(evaluate(*data), expected)
            if bad:
                failures.append(f"seed {seed} {name}: {bad[:2]}")
    assert not failures, failures[:5]


def test_generator_covers_the_hard_cases():
    seen = dict.fromkeys(
        [
            "crowd",
            "area on a bound",
            "no detections",
            "no ground truth",
            ">100 detections",
            "class without ground truth",
            "tied scores",
        ],
        False,
    )
    for seed in range(360):
        gts, dts = _dataset(seed)
        gt_labels = {int(c) for g in gts for c in g["labels"]}
        seen["crowd"] |= any(np.any(g.get("iscrowd", False)) for g in gts)
        seen["area on a bound"] |= any(np.isin(g.get("area", []), [32.0**2, 96.0**2]).any() for g in gts)
        seen["no detections"] |= any(len(d["scores"]) == 0 for d in dts)
        seen["no ground truth"] |= any(len(g["labels"]) == 0 for g in gts)
        seen[">100 detections"] |= any(len(d["scores"]) > 100 for d in dts)
        seen["class without ground truth"] |= any(int(c) not in gt_labels for d in dts for c in d["labels"])
        scores = np.concatenate([d["scores"] for d in dts])
        seen["tied scores"] |= np.unique(scores).size < scores.size
    assert all(seen.values()), [k for k, v in seen.items() if not v]


def test_command_line_tool_matches_pycocotools(tmp_path, capsys):
    gts, dts = baseline.realistic_dataset(np.random.default_rng(5), 40, 5, 6.0, 30.0)
    dataset, results = baseline.to_coco(gts, dts)
    (tmp_path / "gt.json").write_text(json.dumps(dataset))
    (tmp_path / "dt.json").write_text(json.dumps(results))
    assert cli.main([str(tmp_path / "gt.json"), str(tmp_path / "dt.json"), "--compare"]) == 0
    out = capsys.readouterr().out
    assert "Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ]" in out
    diff = float(out.rsplit("largest difference over the 12 numbers and per-class AP:", 1)[1].split()[0])
    assert diff <= 1e-12
    expected = baseline.pycocotools_evaluate(gts, dts)
    assert f"= {expected['AP']:0.3f}" in out

"""Correct but slow: pycocotools' structure in plain Python, a loop over images, classes, area ranges,
thresholds, detections and ground truths, with lists; only the per-class accumulation uses NumPy."""

import numpy as np
from _reference import *  # noqa: F401,F403
from _reference import AREA_RANGES, IOU_THRESHOLDS, MAX_DETS, RECALL_THRESHOLDS, STAT_NAMES


def _iou(d, g, crowd):
    w = min(d[2], g[2]) - max(d[0], g[0])
    h = min(d[3], g[3]) - max(d[1], g[1])
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    da = (d[2] - d[0]) * (d[3] - d[1])
    return inter / (da if crowd else da + (g[2] - g[0]) * (g[3] - g[1]) - inter)


def evaluate(ground_truths, detections):
    labels = sorted(
        {int(c) for e in list(ground_truths) + list(detections) for c in np.asarray(e["labels"]).reshape(-1)}
    )
    evals = {c: [] for c in labels}  # per class: per image (scores, matched[a][t][d], ignored[a][t][d], n_gt[a])
    for g, dt in zip(ground_truths, detections):
        gb = np.asarray(g["boxes"], float).reshape(-1, 4).tolist()
        gl = np.asarray(g["labels"]).reshape(-1).tolist()
        gc = [False] * len(gl) if g.get("iscrowd") is None else [bool(x) for x in np.asarray(g["iscrowd"]).reshape(-1)]
        ga = (
            [(b[2] - b[0]) * (b[3] - b[1]) for b in gb]
            if g.get("area") is None
            else np.asarray(g["area"], float).reshape(-1).tolist()
        )
        db = np.asarray(dt["boxes"], float).reshape(-1, 4).tolist()
        ds = np.asarray(dt["scores"], float).reshape(-1).tolist()
        dl = np.asarray(dt["labels"]).reshape(-1).tolist()
        for c in labels:
            gi = [i for i in range(len(gl)) if gl[i] == c]
            di = [i for i in range(len(dl)) if dl[i] == c]
            if not gi and not di:
                continue
            di = sorted(di, key=lambda i: -ds[i])[:100]
            ious = [[_iou(db[d], gb[j], gc[j]) for j in gi] for d in di]
            res_m, res_i, ngts = [], [], []
            for lo, hi in AREA_RANGES.tolist():
                ign = [gc[j] or ga[j] < lo or ga[j] > hi for j in gi]
                order = sorted(range(len(gi)), key=lambda j: ign[j])
                ngts.append(sum(1 for x in ign if not x))
                mt, it = [], []
                for t in IOU_THRESHOLDS.tolist():
                    taken = [False] * len(gi)
                    md, idd = [], []
                    for k, d in enumerate(di):
                        best, m = min(t, 1 - 1e-10), -1
                        for j in order:
                            if taken[j] and not gc[gi[j]]:
                                continue
                            if m > -1 and not ign[m] and ign[j]:
                                break
                            if ious[k][j] < best:
                                continue
                            best, m = ious[k][j], j
                        if m > -1:
                            taken[m] = True
                            md.append(True)
                            idd.append(ign[m])
                        else:
                            a = (db[d][2] - db[d][0]) * (db[d][3] - db[d][1])
                            md.append(False)
                            idd.append(a < lo or a > hi)
                    mt.append(md)
                    it.append(idd)
                res_m.append(mt)
                res_i.append(it)
            evals[c].append(([ds[d] for d in di], res_m, res_i, ngts))
    T, R, K, A, M = len(IOU_THRESHOLDS), len(RECALL_THRESHOLDS), len(labels), len(AREA_RANGES), len(MAX_DETS)
    precision = -np.ones((T, R, K, A, M))
    recall = -np.ones((T, K, A, M))
    for k, c in enumerate(labels):
        E = evals[c]
        for a in range(A):
            npig = sum(e[3][a] for e in E)
            if npig == 0:
                continue
            for mi, md in enumerate(MAX_DETS):
                scores = np.concatenate([np.array(e[0][:md]) for e in E]) if E else np.zeros(0)
                inds = np.argsort(-scores, kind="mergesort")
                dtm = np.concatenate([np.array(e[1][a], bool).reshape(T, -1)[:, :md] for e in E], axis=1)[:, inds]
                dti = np.concatenate([np.array(e[2][a], bool).reshape(T, -1)[:, :md] for e in E], axis=1)[:, inds]
                tps = np.cumsum(dtm & ~dti, axis=1).astype(float)
                fps = np.cumsum(~dtm & ~dti, axis=1).astype(float)
                for t in range(T):
                    tp, fp = tps[t], fps[t]
                    nd = len(tp)
                    rc = tp / npig
                    pr = (tp / (fp + tp + np.spacing(1))).tolist()
                    recall[t, k, a, mi] = rc[-1] if nd else 0
                    for i in range(nd - 1, 0, -1):
                        if pr[i] > pr[i - 1]:
                            pr[i - 1] = pr[i]
                    q = [0.0] * R
                    for ri, pi in enumerate(np.searchsorted(rc, RECALL_THRESHOLDS, side="left")):
                        if pi < nd:
                            q[ri] = pr[pi]
                    precision[t, :, k, a, mi] = q

    def mean(s):
        s = s[s > -1]
        return float(np.mean(s)) if s.size else -1.0

    stats = [
        mean(precision[:, :, :, 0, 2]),
        mean(precision[[0]][:, :, :, 0, 2]),
        mean(precision[[5]][:, :, :, 0, 2]),
        *(mean(precision[:, :, :, a, 2]) for a in (1, 2, 3)),
        *(mean(recall[:, :, 0, m]) for m in range(3)),
        *(mean(recall[:, :, a, 2]) for a in (1, 2, 3)),
    ]
    out = dict(zip(STAT_NAMES, stats))
    out["per_class"] = {c: mean(precision[:, :, k, 0, 2]) for k, c in enumerate(labels)}
    return out


CAUGHT_BY = "speed"

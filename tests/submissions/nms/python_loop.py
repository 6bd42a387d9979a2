"""Correct, but plain Python loops over boxes (the textbook pseudo-code): the speed check must fail it."""

import numpy as np

CAUGHT_BY = "speed"


def nms(boxes, scores, iou_threshold):
    boxes, scores = np.asarray(boxes), np.asarray(scores)
    order = sorted(range(len(scores)), key=lambda i: -scores[i])
    b = boxes.tolist()
    suppressed = [False] * len(order)
    keep = []
    for pos, i in enumerate(order):
        if suppressed[i]:
            continue
        keep.append(i)
        x1, y1, x2, y2 = b[i]
        area_i = (x2 - x1) * (y2 - y1)
        for j in order[pos + 1 :]:
            if suppressed[j]:
                continue
            u1, v1, u2, v2 = b[j]
            inter = max(min(x2, u2) - max(x1, u1), 0) * max(min(y2, v2) - max(y1, v1), 0)
            union = area_i + (u2 - u1) * (v2 - v1) - inter
            if union > 0 and inter / union > iou_threshold:
                suppressed[j] = True
    return np.array(keep, dtype=np.int64)


def batched_nms(boxes, scores, class_ids, iou_threshold):
    boxes, scores, class_ids = np.asarray(boxes), np.asarray(scores), np.asarray(class_ids)
    keep = []
    for c in sorted(set(class_ids.tolist())):
        members = [i for i in range(len(class_ids)) if class_ids[i] == c]
        keep += [members[k] for k in nms(boxes[members], scores[members], iou_threshold)]
    keep.sort(key=lambda i: (-scores[i], i))
    return np.array(keep, dtype=np.int64)

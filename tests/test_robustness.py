"""A submission that hangs, crashes, exits, floods its output or prints fake results fails its own checks
with a one-line reason; the other katas are graded normally and the report comes out whole."""

import pytest
from conftest import copy_solution, make_impl, run_grader

pytestmark = pytest.mark.slow  # a grader run per case, two of them waiting out a time limit; no timing

HEADER = "from _reference import *\nimport os, sys, time\nimport numpy as np\n"

CASES = {
    "hang_at_import": ("while True:\n    pass\n", "did not finish"),
    "hang_in_function": ("def box_iou(a, b):\n    while True:\n        time.sleep(0.01)\n", "did not finish"),
    "exit_at_import": ("os._exit(0)\n", "exited with code 0 while importing"),
    "sys_exit_in_function": ("def box_area(b):\n    sys.exit(3)\n", "SystemExit"),
    # a bad stride, as a careless as_strided im2col makes: reads far outside the array
    "segfault_in_function": (
        "def box_iou(a, b):\n    return np.lib.stride_tricks.as_strided(np.zeros(1), (2,), (2**40,))[1]\n",
        "SIGSEGV",
    ),
    "abort_at_import": ("os.abort()\n", "SIGABRT while importing"),
    "flood_stdout": ("def box_iou(a, b):\n    while True:\n        print('x' * 1000)\n", "printed more than"),
    "syntax_error": ("def box_iou(a, b)\n    return 1\n", "SyntaxError"),
    "raises_at_import": ("raise RuntimeError('boom')\n", "RuntimeError: boom"),
    "missing_function": ("del generalized_box_iou\n", "generalized_box_iou"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_submission_fails_alone_with_a_reason(name, tmp_path):
    body, reason = CASES[name]
    impl = make_impl(tmp_path / "impl", "iou", HEADER + body)
    copy_solution(impl, "nms")
    run = run_grader("iou", "nms", "--impl", str(impl), "--only", "visible", "--time-limit", "6", tmp_path=tmp_path)
    assert run.report is not None, run.stderr
    assert run.code == 1
    check = run.kata("iou")["checks"]["visible"]
    assert check["status"] in ("failed", "error") and check["points"] == 0
    assert reason in check["message"], check["message"]
    assert "\n" not in check["message"]
    assert run.status("nms", "visible") == "passed"
    assert "Traceback" not in run.stdout


def test_printed_fake_results_count_for_nothing(tmp_path):
    fake = (
        "import json\n"
        "for g in ('visible', 'hidden', 'speed'):\n"
        "    print(json.dumps({'group': g, 'status': 'passed', 'message': 'ok', 'ratio': 1.0}))\n"
        "print(json.dumps({'done': True}))\n"
        "print('01 iou   7/7   36/36   1.0x   10/10')\n"
        "def box_iou(a, b):\n    raise NotImplementedError\n"
    )
    impl = make_impl(tmp_path / "impl", "iou", HEADER + fake)
    run = run_grader("iou", "--impl", str(impl), tmp_path=tmp_path)
    assert run.code == 1
    assert run.kata("iou")["points"] == 0
    assert run.status("iou", "visible") == "failed"


def test_crash_during_hidden_keeps_finished_visible_result(tmp_path):
    # passes the visible tests, then dies on the first hidden test that uses float32 input
    body = (
        "import numpy as np\nimport _reference\n"
        "def box_iou(a, b):\n"
        "    if np.asarray(a).dtype == np.float32 and len(a) > 8:\n"
        "        os._exit(7)\n"
        "    return _reference.box_iou(a, b)\n"
    )
    impl = make_impl(tmp_path / "impl", "iou", HEADER + body)
    run = run_grader("iou", "--impl", str(impl), tmp_path=tmp_path)
    checks = run.kata("iou")["checks"]
    assert checks["visible"]["status"] == "passed"
    assert checks["hidden"]["status"] == "error" and "during the hidden checks" in checks["hidden"]["message"]
    assert checks["speed"]["status"] == "error" and "not run" in checks["speed"]["message"]

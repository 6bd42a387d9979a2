"""A time limit on each visible test when you run pytest yourself (``.venv/bin/pytest exercises/02_nms``).

A function stuck in an endless loop fails its test with ``Failed: timed out after 30 s`` (and the traceback
shows where it was) instead of hanging the run; the other tests still run. The limit is the kata's own, the
one ``make grade`` applies (``test_timeout`` in ``grader/registry.py``). A ``--timeout`` option, the
``PYTEST_TIMEOUT`` variable or a ``timeout`` marker of your own wins. The grader itself ignores this file: it
runs the tests with its own limit, which it reports in the same words.
"""

import os
import signal
import threading
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
DEFAULT_SECONDS = 30.0


def _limits() -> dict[str, float]:
    """{kata folder: seconds per test}, from the grader's registry when it can be imported."""
    try:
        from grader import registry
    except ImportError:
        return {}
    return {kata.folder: kata.test_timeout for kata in registry.KATAS}


def _ours(item) -> bool:
    return HERE in Path(str(item.path)).resolve().parents


def pytest_collection_modifyitems(config, items):
    """Give each visible test the kata's limit through pytest-timeout's ``timeout`` marker."""
    if not config.pluginmanager.hasplugin("timeout"):
        return  # pytest-timeout is not installed, or turned off (-p no:timeout)
    if config.getoption("timeout", None) is not None or os.environ.get("PYTEST_TIMEOUT") or config.getini("timeout"):
        return
    limits = _limits()
    for item in items:
        if _ours(item) and item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(limits.get(Path(str(item.path)).parent.name, DEFAULT_SECONDS)))


@pytest.hookimpl(tryfirst=True, optionalhook=True)
def pytest_timeout_set_timer(item, settings):
    """pytest-timeout's signal method, but failing the test with "timed out after N s" (and no dump of every
    thread's stack). Anything else (another method, a test off the main thread) stays with pytest-timeout."""
    if not _ours(item) or settings.method != "signal" or threading.current_thread() is not threading.main_thread():
        return None

    def expire(signum, frame):
        __tracebackhide__ = True  # the traceback ends in the test's own code, where it was stuck
        from pytest_timeout import is_debugging

        if not settings.disable_debugger_detection and is_debugging():
            return  # stopped in a debugger: not a hang
        pytest.fail(f"timed out after {settings.timeout:g} s")

    def cancel():
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)

    item.cancel_timeout = cancel  # pytest-timeout's own cancel hook calls it
    signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, settings.timeout)
    return True

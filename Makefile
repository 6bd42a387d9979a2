# CV Katas. `make grade` and `make test` set everything up on first use (a .venv with the grader, its
# dependencies and the compiled baselines) and only redo it when the packaging files change.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NB_STAMP := $(VENV)/.notebooks
EX ?=
ARGS ?=
# The CPU build; an unpinned torch would pull a multi-GB CUDA build. The pin is written once, in the package.
TORCH ?= $(or $(shell grep -m1 '^torch' grader/torch-requirement.txt),$(error no torch requirement in grader/torch-requirement.txt))

.PHONY: grade test test-fast setup stubs clean golden help watch bench bench-stability notebooks full-checkout
.DEFAULT_GOAL := help

help:
	@echo "make setup            create .venv: the grader, its dependencies, the compiled baselines (make grade does it too)"
	@echo "make grade            grade every kata (make grade EX=nms: one kata; ARGS='--impl solutions')"
	@echo "make watch            re-run a kata's visible tests on every save (make watch EX=nms: start there)"
	@echo "                      (a kata's visible tests once, after make grade: .venv/bin/pytest exercises/02_nms)"
	@echo "make test             the project's own test suite (grader, katas, known-bad submissions, attacks)"
	@echo "make test-fast        the contributor's loop: every test that times nothing and needs no nbgrader"
	@echo "make stubs            regenerate exercises/*/ stubs from solutions/"
	@echo "make golden           regenerate hidden-test golden data from torchvision (large install)"
	@echo "make notebooks        the katas as an nbgrader course in build/course (installs nbgrader, ~330 MB)"
	@echo "make bench            baselines vs torchvision/pycocotools, grading-loop times -> benchmarks/RESULTS.md (large install)"
	@echo "make bench-stability  the speed-verdict stability study (20 runs per load, about an hour) -> benchmarks/RESULTS.md"
	@echo "make clean            remove .venv, build/ and the compiled baselines (the next make sets them up again)"

$(STAMP): pyproject.toml setup.py grader/torch-requirement.txt $(wildcard grader/baselines/*.pyx grader/baselines/*.pxd grader/baselines/*.h)
	@echo "setting up $(VENV) (first run only: about a minute)"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "  [1/3] pip, build tools, numpy and $(TORCH) (CPU build, the largest download) ..."
	@$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	@$(PY) -m pip install -q --disable-pip-version-check "setuptools>=77" wheel "Cython>=3.0" "numpy>=2.0,<2.6" $(TORCH)
	@echo "  [2/3] the grader, numba, pytest, pycocotools; building the Cython baselines ..."
	@$(PY) -m pip install -q --disable-pip-version-check --no-build-isolation -e '.[dev]'
	@echo "  [3/3] compiling the numba baselines into their on-disk cache ..."
	@$(PY) -m grader.baselines
	@touch $@
	@echo "setup done"

setup: $(STAMP)

# Unsolved katas are what the report is for, not a failure of make: the grader's status 1 ends the target
# quietly. A usage or setup error (2) or Ctrl-C (130) still fails it. Scripts: `.venv/bin/python -m grader`.
grade: $(STAMP)
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

# The whole suite: the katas proved complete, lint, then every test. The tests that time nothing run side by
# side; the timing tests (they assert speed verdicts) run after them, one at a time, so that nothing else
# competes for the CPU.
test: full-checkout $(STAMP) $(NB_STAMP)
	@$(PY) -m grader dev check
	@$(PY) -m ruff check --quiet . && $(PY) -m ruff format --check --quiet .
	@$(call PYTEST,-m "not timing" $(XDIST))
	@$(call PYTEST,-m timing)

# The contributor's loop: everything that needs no timing and no nbgrader, side by side (about 3 minutes on 2
# cores, most of it the known-bad submissions' hidden tests; ARGS="-m 'not timing and not notebooks and not slow'"
# leaves out the tests with many grader runs: under a minute).
test-fast: full-checkout $(STAMP)
	@$(PY) -m grader dev check
	@$(call PYTEST,-m "not timing and not notebooks" $(XDIST))

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
	@$(GOLDEN_VENV)/bin/pip install -q --disable-pip-version-check torch==2.14.1 torchvision==0.29.1 pycocotools "numpy<2.6"
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
	@$(BENCH_PY) -m pip install -q --disable-pip-version-check --no-build-isolation -e '.[bench]'
	@touch $@
	@echo "bench setup done"

bench: full-checkout $(BENCH_STAMP)
	@$(BENCH_PY) benchmarks/bench.py --stability-runs $(STABILITY) $(BENCH_ARGS)

bench-stability: full-checkout $(BENCH_STAMP)
	@$(BENCH_PY) benchmarks/bench.py --only stability --stability-runs $(if $(filter 0,$(STABILITY)),20,$(STABILITY)) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info grader/baselines/*.so grader/baselines/*.c

# CV Katas. `make grade` and `make test` set everything up on first use (a .venv with the grader, its
# dependencies and the compiled baselines) and only redo it when the packaging files change.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
EX ?=
ARGS ?=
# The CPU build; an unpinned torch would pull a multi-GB CUDA build.
TORCH ?= torch==2.13.0

.PHONY: grade test setup stubs clean golden help
.DEFAULT_GOAL := help

help:
	@echo "make grade            grade every kata (make grade EX=nms: one kata; ARGS='--impl solutions')"
	@echo "make test             the project's own test suite (grader, katas, known-bad submissions)"
	@echo "make stubs            regenerate exercises/*/ stubs from solutions/"
	@echo "make golden           regenerate hidden-test golden data from torchvision (large install)"

$(STAMP): pyproject.toml setup.py $(wildcard grader/baselines/*.pyx)
	@echo "setting up $(VENV) (first run only: about a minute) ..."
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install -q --disable-pip-version-check --upgrade pip
	@$(PY) -m pip install -q --disable-pip-version-check "setuptools>=64" wheel "Cython>=3.0" "numpy>=2.0,<2.6" $(TORCH)
	@$(PY) -m pip install -q --disable-pip-version-check --no-build-isolation -e '.[dev]'
	@touch $@
	@echo "setup done"

setup: $(STAMP)

grade: $(STAMP)
	@$(PY) -m grader $(EX) $(ARGS)

test: $(STAMP)
	@$(PY) -m grader stubs --check
	@$(PY) -m pytest tests $(ARGS)

stubs: $(STAMP)
	@$(PY) -m grader stubs

# Golden data comes from the real libraries, installed only here, in a venv of its own.
GOLDEN_VENV := .venv-golden
golden:
	@test -x $(GOLDEN_VENV)/bin/python || $(PYTHON) -m venv $(GOLDEN_VENV)
	@$(GOLDEN_VENV)/bin/pip install -q --disable-pip-version-check torch==2.14.1 torchvision==0.29.1 pycocotools "numpy<2.6"
	@for script in hidden_tests/*/make_golden.py; do echo "== $$script"; $(GOLDEN_VENV)/bin/python $$script || exit 1; done

clean:
	rm -rf $(VENV) build *.egg-info grader/baselines/*.so grader/baselines/*.c

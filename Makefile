# Human entry points (DESIGN.md "Entry points"). Every target installs uv with pip when missing.
SHELL := /bin/bash
# uv on PATH, else the uv module installed with pip (`python3 -m uv` works without PATH changes).
UV := $(shell command -v uv 2>/dev/null || { python3 -m uv --version >/dev/null 2>&1 || python3 -m pip install --quiet uv >&2; echo python3 -m uv; })

.PHONY: install run up down test lint bench

install:
	$(UV) sync --frozen

run: install
	$(UV) run leadgen run

up: install
	$(UV) run leadgen up

down:
	$(UV) run --frozen leadgen down

test: install
	$(UV) run pytest -n 2 --dist loadgroup

# Starts and stops stacks of its own (~15 min on 2 cores); writes bench/results.json.
bench: install
	$(UV) run python -m leadgen_bench

lint: install
	$(UV) run ruff check . && $(UV) run ruff format --check .

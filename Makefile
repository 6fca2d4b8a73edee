# Human entry points (DESIGN.md "Entry points"). Every target installs uv with pip when missing.
SHELL := /bin/bash
UV := $(shell command -v uv 2>/dev/null)
ifeq ($(UV),)
UV := $(shell python3 -m pip install --quiet --user uv >/dev/null 2>&1 || python3 -m pip install --quiet uv >/dev/null; python3 -c 'import sysconfig,os;print(os.path.join(sysconfig.get_path("scripts"),"uv"))' 2>/dev/null)
ifeq ($(wildcard $(UV)),)
UV := $(shell python3 -c 'import site,os;print(os.path.join(site.USER_BASE,"bin","uv"))')
endif
endif

.PHONY: install run up down test bench lint clean

install:
	$(UV) sync --frozen

run: install
	$(UV) run leadgen run

up: install
	$(UV) run leadgen up

down:
	$(UV) run --frozen leadgen down

test: install
	$(UV) run pytest

bench: install
	$(UV) run leadgen bench

lint: install
	$(UV) run ruff check . && $(UV) run ruff format --check .

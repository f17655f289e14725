# Layak: the two commands.
#   make run   set everything up and serve the demo on http://127.0.0.1:8000 (SQLite)
#   make test  lint, type-check, check migrations and run the whole test suite
#   make bench the national-scale benchmark on PostgreSQL (bench/README.md, about 25 minutes)
SHELL := /bin/bash
.DEFAULT_GOAL := run
.PHONY: run test env lint messages bench

UV := $(shell command -v uv 2>/dev/null || echo "$(HOME)/.local/bin/uv")

env:
	@bin/ensure-env

run: env
	@bin/run

test: env
	@bin/test

bench: env
	@bin/bench

lint: env
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/mypy layak

messages: env
	LAYAK_DEMO=1 .venv/bin/python manage.py makemessages -l id --no-obsolete --add-location file

# Every test of every language: `make test`. The quickstart: `make quickstart`.
# Needs Rust (stable), Python 3.10+ with venv, Node 18+ with npm. Builds its own
# Python venv (.venv) and node_modules; nothing is installed system-wide.

SHELL := bash
VENV := .venv
PYTHON ?= python3
export CARGO_TARGET_DIR ?= $(CURDIR)/target

.PHONY: quickstart test test-rust test-python test-node lint

quickstart:
	cargo run --release --example quickstart

test: test-rust test-python test-node

# The Python binding is tested through pytest below (its cdylib wants the
# interpreter that loads it); the Node binding through node --test.
test-rust:
	cargo test --workspace --exclude tickersense-python --exclude tickersense-node

$(VENV)/.ready: bindings-python/pyproject.toml Makefile
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet "maturin>=1.5,<2" "pytest>=7" "pandas>=1.5" "vaderSentiment==3.3.2" "textblob==0.20.1"
	touch $@

test-python: $(VENV)/.ready
	rm -rf $(CARGO_TARGET_DIR)/wheels
	$(VENV)/bin/maturin build --release --quiet -m bindings-python/Cargo.toml -o $(CARGO_TARGET_DIR)/wheels
	$(VENV)/bin/pip install --quiet --force-reinstall --no-deps $(CARGO_TARGET_DIR)/wheels/tickersense-*.whl
	cd bindings-python && ../$(VENV)/bin/python -m pytest -q tests

test-node:
	cd bindings-node && npm ci --no-audit --no-fund && npm run build && npm test

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

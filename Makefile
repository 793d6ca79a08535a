# audiodrama: `make demo` installs everything and builds the demo episode;
# `make test` installs everything and runs the whole test suite (what CI runs; one pytest
# worker per core, each test file on one worker so its module fixtures are built once);
# `make lab` opens the notebooks in JupyterLab (also as root, e.g. in a container).
VENV    ?= .venv
PYTHON  ?= python3
BIN      = $(VENV)/bin
SUDO     = $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SYSTEM_PACKAGES = espeak-ng libespeak-ng1 ffmpeg

LAB_PORT ?= 8888
# Jupyter refuses to start as root unless told to; it is then reachable from this machine only.
LAB_ROOT = $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

.PHONY: demo test lint install system clean-audio lab

demo: install $(BIN)/.installed-neural
	$(BIN)/audiodrama build stories/demo.txt

test: install $(BIN)/.installed-engines
	$(BIN)/python -m pytest -q -n auto --dist loadfile
	$(BIN)/ruff check audiodrama tests bench scripts
	$(BIN)/ruff format --check audiodrama tests bench scripts
	$(BIN)/mypy

lab: install
	$(BIN)/jupyter lab notebooks/ --ip=127.0.0.1 --port=$(LAB_PORT) --no-browser $(LAB_ROOT)

install: system $(BIN)/.installed

# System packages: espeak-ng (the voices pyttsx3 drives) and ffmpeg (MP3/Opus/M4B, probing).
system:
	@if ! command -v espeak-ng >/dev/null || ! command -v ffmpeg >/dev/null \
	    || ! ldconfig -p | grep -q libespeak-ng.so.1; then \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(SYSTEM_PACKAGES); \
	fi

$(BIN)/.installed: pyproject.toml
	[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

# The neural voices (README, "Voices"): hibari for the demo; the tests run piper too.
$(BIN)/.installed-neural: $(BIN)/.installed
	$(BIN)/python -m pip install -q -e '.[neural]'
	touch $@

$(BIN)/.installed-engines: $(BIN)/.installed
	$(BIN)/python -m pip install -q -e '.[test,neural,piper]'
	touch $@

clean-audio:
	rm -rf audio_out/*/ audio_out/.cache

# Two commands on a fresh machine: `make demo` and `make test`. Each installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
TF_EXTRA ?= cpu
STAMP := $(VENV)/.installed-$(TF_EXTRA)
export PATH := $(BIN):$(PATH)

.PHONY: install test check release demo bench selfcheck clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[$(TF_EXTRA),otter,test]'
	@rm -f $(VENV)/.installed-*
	@touch $@

# Two processes (pytest-xdist), each test module on one of them so that its fixtures run once:
# most tests wait on subprocesses, so the suite keeps both of a 2-core machine busy.
PYTEST := $(BIN)/python -m pytest -q -n 2 --dist loadscope

test: install
	$(PYTEST)

# The fast layer: everything but the end-to-end tests.
check: install
	$(PYTEST) -m "not e2e"

selfcheck: install
	@for name in $(patsubst assignments/%/,%,$(wildcard assignments/*/)); do $(BIN)/autograder selfcheck $$name || exit 1; done

release: install
	@for name in $(patsubst assignments/%/,%,$(wildcard assignments/*/)); do $(BIN)/autograder release $$name || exit 1; done

demo: install release
	$(BIN)/python -m autograder.demo regularization_rnn keras_regularization

# The course through nbgrader's exchange: an instructor and two students (Unix users; needs root), each command shown.
.PHONY: course-demo
course-demo: install
	$(BIN)/python -m pytest -q -s -p no:cacheprovider tests/test_exchange.py

bench: install
	$(BIN)/python bench/grade_speed.py
	$(BIN)/python bench/levers.py
	$(BIN)/python bench/keras_speed.py
	$(BIN)/python bench/otter_speed.py

# Only what the tool builds: never the course's submissions, feedback, grades or gradebook.
clean:
	rm -rf $(VENV) demo .pytest_cache *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +

# The two commands a new user runs: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := wsgi
# Links meant for people (join sheets, certificates, reset e-mails) point where `make run`
# serves: `make run PORT=8080` gives http://127.0.0.1:8080 unless LMS_BASE_URL is set.
export LMS_BASE_URL ?= http://$(HOST):$(PORT)

.PHONY: run test translations-update translations-compile bench h5p-shipped

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

translations-compile: $(VENV)/.installed
	$(BIN)/pybabel compile -d lms/translations

## Set up everything (virtualenv, database, shipped courses, demo accounts) and serve on http://127.0.0.1:5000
run: translations-compile
	$(BIN)/flask lms init
	$(BIN)/flask courses import
	$(BIN)/flask lms seed-demo
	$(BIN)/flask run --host $(HOST) --port $(PORT)

## Install the test extras and run the whole suite
test: $(VENV)/.installed-test translations-compile
	$(BIN)/pytest $(PYTEST_ARGS)

## After changing a shipped H5P activity's sources (courses/_h5p) or a platform content type
h5p-shipped: $(VENV)/.installed
	$(BIN)/python -m lms.h5p.platform

## After changing user-facing strings: extract them and merge into the Latvian catalogue
translations-update: $(VENV)/.installed
	$(BIN)/pybabel extract --no-location --sort-output -F babel.cfg -k _l -k N_ -k lazy_ngettext:1,2 -o lms/translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching -i lms/translations/messages.pot -d lms/translations

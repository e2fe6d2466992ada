# Two commands matter (see README): `make demo` and `make test`.
PYTHON ?= python3.11
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test test-fast mutation install lint messages clean

$(STAMP): pyproject.toml requirements.lock
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# The embedded default (SQLite, eager Celery) with fresh demo data, then the server.
demo: $(STAMP)
	rm -f var/demo.sqlite3
	mkdir -p var
	SQLITE_PATH=var/demo.sqlite3 $(PY) manage.py migrate --noinput -v 0
	SQLITE_PATH=var/demo.sqlite3 $(PY) manage.py seed_demo --living --out var/demo-users.json
	@echo "Kinerja berjalan di / runs at http://127.0.0.1:8000/  (masuk / sign in: lihat daftar di atas / see the logins above; API: /api/docs/)"
	SQLITE_PATH=var/demo.sqlite3 $(PY) manage.py runserver 127.0.0.1:8000

# The whole suite; DATABASE_URL (PostgreSQL) switches from SQLite. Two processes
# (pytest-xdist; TEST_WORKERS=0 runs it in this one): each has its own test database.
test: $(STAMP)
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) manage.py makemigrations --check --dry-run -v 0
	$(PY) manage.py spectacular --fail-on-warn --validate --file /dev/null
	$(PY) -m pytest -n $${TEST_WORKERS:-2} $(PYTEST_ARGS)

# The inner loop: the suite without the slow families (browser, schemathesis, property-based,
# real workers, the exhaustive matrices); see the markers in pyproject.toml.
test-fast: $(STAMP)
	$(PY) -m pytest -m "not slow" -n $${TEST_FAST_WORKERS:-2} $(PYTEST_ARGS)

# Mutation testing of the engine, policies, predicate, curve, canonical form and verifier
# ([tool.mutmut] in pyproject.toml); slow, so never part of `make test`. Survivors:
# `$(VENV)/bin/mutmut results`, one of them: `$(VENV)/bin/mutmut show NAME`.
mutation: $(STAMP)
	rm -rf mutants
	$(VENV)/bin/mutmut run --max-children $${MUTATION_CHILDREN:-2}
	$(PY) benchmarks/mutation_score.py

# The UI's Indonesian catalogue: collect new strings, then (after translating) compile.
messages: $(STAMP)
	$(PY) manage.py makemessages -l id --no-obsolete --ignore=".venv/*" --ignore="tests/*" --ignore="var/*" --ignore="benchmarks/*" --ignore="ci-artifacts/*"
	$(PY) manage.py compilemessages -l id --ignore=".venv/*"

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache

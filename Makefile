# The two commands of the README: `make run` and `make test`. Everything else is their set-up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
# This machine only by default (the demo's passwords are published); `HOST=0.0.0.0 make run` to reach
# phones on the LAN.
HOST ?= 127.0.0.1
INSTANCE := $(CURDIR)/instance
STAMP := $(VENV)/.installed

.PHONY: run test setup postgres browser pwa clean bench translations messages lock

# Exact versions, checked against their hashes: the runtime and the test extra from the lock, then
# the project itself without resolving anything again.
$(STAMP): pyproject.toml requirements-test.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-test.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# After changing pyproject.toml's dependencies: re-resolve both lock files against PyPI, keeping
# every pin that still fits (`make lock LOCK_ARGS=--upgrade` moves everything to the newest). The
# test lock is constrained by the runtime one, so the image and the tests run the same versions.
UV_VERSION := 0.13.10
LOCK_ARGS ?=
COMPILE = $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes \
	--custom-compile-command "make lock" $(LOCK_ARGS)
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)
	$(COMPILE) -o requirements.lock
	$(COMPILE) --extra test -c requirements.lock -o requirements-test.lock

setup: $(STAMP) translations

# The English catalogue (server/translations/en/.../messages.po) compiled for Flask-Babel.
translations: $(STAMP)
	$(BIN)/pybabel compile -f -d server/translations

# Refresh the catalogue from the templates and code after changing user-visible text.
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output -o server/translations/messages.pot server
	$(BIN)/pybabel update -N -i server/translations/messages.pot -d server/translations

$(INSTANCE)/secret_key:
	mkdir -p $(INSTANCE)
	$(BIN)/python -c "import secrets; print(secrets.token_urlsafe(48))" > $@
	chmod 600 $@

# The field app (pwa/dist, served at /app/) and the browser libraries it shares with the console
# (pwa/vendor): npm packages from the lockfile, then the build.
PWA_INSTALLED := pwa/node_modules/.installed

# `npm install --no-save` installs the locked versions without rewriting the lockfile. Not `npm ci`:
# npm 11 with omit-lockfile-registry-resolved leaves rollup's per-platform optional packages out
# of the lockfile, and `npm ci` then refuses it as out of sync.
$(PWA_INSTALLED): pwa/package-lock.json
	cd pwa && npm install --no-audit --no-fund --no-save
	touch $@

pwa: $(PWA_INSTALLED)
	cd pwa && node build.mjs

run: setup pwa $(INSTANCE)/secret_key
	SECRET_KEY=$$(cat $(INSTANCE)/secret_key) WANGGE_INSTANCE=$(INSTANCE) $(BIN)/wangge init-db --no-setup-code
	SECRET_KEY=$$(cat $(INSTANCE)/secret_key) WANGGE_INSTANCE=$(INSTANCE) $(BIN)/wangge demo
	@echo ""
	@echo "Wangge is serving on http://127.0.0.1:$(PORT)/  (health: http://127.0.0.1:$(PORT)/healthz, API spec: http://127.0.0.1:$(PORT)/api/openapi.json)"
	@echo "  field app (phones):  http://127.0.0.1:$(PORT)/app/"
	@echo "  console (staff):     http://127.0.0.1:$(PORT)/console/"
ifeq ($(HOST),0.0.0.0)
	@LAN=$$(hostname -I 2>/dev/null | cut -d' ' -f1); \
	 echo "Phones and staff on the same network:"; \
	 echo "  field app:  http://$${LAN:-<this machine's address>}:$(PORT)/app/"; \
	 echo "  console:    http://$${LAN:-<this machine's address>}:$(PORT)/console/"
else
	@LAN=$$(hostname -I 2>/dev/null | cut -d' ' -f1); \
	 echo "Only this machine can reach it; HOST=0.0.0.0 make run to open them to the network"; \
	 echo "  (then field app: http://$${LAN:-<this machine's address>}:$(PORT)/app/, console: http://$${LAN:-<this machine's address>}:$(PORT)/console/)"
endif
	SECRET_KEY=$$(cat $(INSTANCE)/secret_key) WANGGE_INSTANCE=$(INSTANCE) \
		$(BIN)/gunicorn --workers 2 --bind $(HOST):$(PORT) --access-logfile - "server:create_app()"

postgres:
	bash scripts/ensure-postgres.sh

# Debian's Chromium and CJK fonts for the browser tests (Playwright drives /usr/bin/chromium).
browser:
	bash scripts/ensure-browser.sh

test: setup postgres browser pwa
	node --test pwa/tests/
	$(BIN)/python -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)

# The field app's two run in headless Chromium (`make browser`) against the built app; small run
# counts keep each to a few minutes (pass --runs 5 by hand for steadier medians). Each benchmark
# records its figures in bench/results/latest.json; the last step prints them against their goals.
BENCH_PWA_RUNS ?= 2
bench: setup browser pwa
	$(BIN)/python -m benchmarks.sync_bench
	$(BIN)/python -m benchmarks.console_bench
	$(BIN)/python -m benchmarks.review_bench
	$(BIN)/python -m benchmarks.import_bench
	$(BIN)/python -m benchmarks.pwa_bench --runs $(BENCH_PWA_RUNS)
	$(BIN)/python -m benchmarks.pwa_crypto_bench --runs $(BENCH_PWA_RUNS)
	$(BIN)/python -m benchmarks.results

clean:
	rm -rf $(VENV) $(INSTANCE) .hypothesis pwa/dist pwa/vendor pwa/node_modules test-artifacts

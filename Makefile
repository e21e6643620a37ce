# Fidélité — developer commands. See README.md.
PYTHON ?= python3
FID = $(PYTHON) -m tools.fidelite_dev
ADDON ?=
ARGS ?=
LINT ?= 1
NAMES ?=
MEMBERS ?= 1000000
LINES ?= 10000000

.PHONY: setup doctor demo test lint bench bench-data i18n screenshots

setup:            ## install system packages and Python requirements
	$(FID) setup

doctor:           ## show which Odoo, database and browser the commands use
	$(FID) doctor

demo:             ## create/update the fidelite_demo database and serve it on http://127.0.0.1:8069
	$(FID) demo

test:             ## lint, then install the addons in a fresh database and run every test
	$(FID) test $(if $(filter 0,$(LINT)),--no-lint) $(foreach a,$(ADDON),--addon $(a)) $(ARGS)

lint:             ## ruff, pylint-odoo, OCA checks
	$(FID) lint

bench:            ## run the benchmarks (make bench NAMES="install")
	$(FID) bench $(NAMES)

bench-data:       ## (re)create fidelite_bench_data with generated members and orders (MEMBERS=, LINES=)
	$(FID) bench-data --members $(MEMBERS) --lines $(LINES)

i18n:             ## refresh each addon's .pot and fr.po from the demo database (after make demo)
	$(FID) i18n

screenshots:      ## take the user guide's screenshots (docs/images) in headless Chromium
	$(FID) screenshots $(ARGS)

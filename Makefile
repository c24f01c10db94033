# One entry point for people and CI; each target is a thin wrapper around a script.
.PHONY: demo check dist bench

PYTHON ?= .venv/bin/python

demo:  ## the program on its built-in demo data
	bash scripts/demo.sh

check:  ## lint, types and every test (CI runs this)
	bash scripts/check.sh

dist:  ## the one-folder program in dist/ZhashuiInspector/ (build_installer.spec)
	bash scripts/build_dist.sh

bench:  ## every benchmarks/bench_*.py, one after another
	bash scripts/setup.sh
	@set -e; for bench in benchmarks/bench_*.py; do \
	  echo "== $$bench"; $(PYTHON) $$bench; \
	done

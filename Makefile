# Two commands for a fresh machine: `make run` (the app) and `make test` (every test).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run kiosk test screenshots bench bench-load bench-churn bench-scale clean

$(VENV)/installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

run: $(VENV)/installed  ## serve the app on http://localhost:8501 (demo cases, data/w4r.db)
	@if [ -n "$$W4R_KIOSK" ]; then $(PY) -m w4r kiosk check "$$W4R_KIOSK"; \
	else $(PY) -m w4r session setup-code --if-needed; fi
	$(PY) -m streamlit run app.py --server.port $(PORT)

kiosk: $(VENV)/installed  ## serve one session's locked kiosk: make kiosk SESSION=CODE [PORT=8502]
	@$(PY) -m w4r kiosk check "$(SESSION)"
	W4R_KIOSK="$(SESSION)" $(PY) -m streamlit run app.py --server.port $(PORT)

test: $(VENV)/installed  ## every test: unit, AppTest pages, PDFs rendered, browser end to end
	$(PY) -m pytest

screenshots: $(VENV)/installed  ## retake docs/screenshots/ in headless Chromium
	$(PY) scripts/screenshots.py

bench: $(VENV)/installed  ## print start-up, PDF and tally figures (see docs/BENCHMARKS.md)
	$(PY) bench/foundation.py
	$(PY) bench/pdf.py
	$(PY) bench/tally.py
	$(PY) bench/gc_pause.py
	$(PY) bench/first_page.py
	$(MAKE) --no-print-directory bench-load

bench-load: $(VENV)/installed  ## 10, 30, 60, 120 pupils over the websocket, beside a bare app (~35 min)
	$(PY) bench/load.py --writers 10 30 60 120 --duration 60 --think 5

bench-churn: $(VENV)/installed  ## 60 pupils coming and going for 30 minutes: memory by minute
	$(PY) bench/churn.py --writers 60 --duration 1800

bench-scale: $(VENV)/installed  ## 1 server with 60 pupils beside 2 with 120, through HAProxy on PostgreSQL (~7 min)
	$(PY) bench/scale.py --writers 60 --duration 60 --think 5

clean:
	rm -rf $(VENV) .pytest_cache

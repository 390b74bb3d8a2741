# Sunshine (阳光财政). Two commands get a newcomer going: `make run` and `make test`.
GO      ?= go
BIN     := bin/sunshine
DB      ?= sqlite:./data/sunshine.db
# gin's msgpack codec is never used: leave it out of the binary.
TAGS    := -tags nomsgpack
# lint also reads the long runs' test files (faults/, reliability/), which build only under their tags.
LINT_TAGS := -tags nomsgpack,faults,reliability
# The listen address: `make run ADDR=:9090`, or SUNSHINE_ADDR=:9090 make run (the variable the binary reads too).
ADDR    ?= $(if $(SUNSHINE_ADDR),$(SUNSHINE_ADDR),:8080)

.PHONY: run build test test-long test-sqlite test-mysql lint race bench bench-go screenshots faults faults-short clean

## run: build, migrate the embedded SQLite database under ./data, load the demo city once, serve on http://localhost:8080
run: build
	@mkdir -p data
	./$(BIN) migrate --db '$(DB)'
	./$(BIN) demo --quiet --db '$(DB)'
	./$(BIN) serve --db '$(DB)' --addr '$(ADDR)'

## build: the one binary, from ./cmd/sunshine
build:
	$(GO) build $(TAGS) -o $(BIN) ./cmd/sunshine

## test: the whole suite; the MySQL tests run when TEST_MYSQL_DSN is set
test:
	@if [ -z "$$TEST_MYSQL_DSN" ]; then \
	  echo "make test: TEST_MYSQL_DSN is not set, so the MySQL tests are SKIPPED (SQLite tests run)."; \
	  echo "           e.g. TEST_MYSQL_DSN='mysql://root@tcp(127.0.0.1:3306)/mysql' make test"; \
	fi
	@if ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null && \
	    ! command -v google-chrome >/dev/null && ! command -v google-chrome-stable >/dev/null; then \
	  echo "make test: Chromium is not installed, so the browser tests are SKIPPED (apt-get install chromium fonts-noto-cjk)."; \
	fi
	@if ! command -v npm >/dev/null; then \
	  echo "make test: npm is not installed, so the ECharts test is SKIPPED (apt-get install nodejs npm; it runs npm ci in web/testdata/echarts)."; \
	fi
	@if ! command -v rsvg-convert >/dev/null; then \
	  echo "make test: rsvg-convert is not installed, so the chart PNG tests are SKIPPED (apt-get install librsvg2-bin fonts-noto-cjk)."; \
	fi
	$(GO) test $(TAGS) -count=1 -short ./...

## test-long: the long tests `make test` leaves out (-short): every test whose first statement is longRun(t) — the
## real-browser tests (Chromium: pages, desk, embeds, ECharts, CORS), the npm Frictionless reader, the round trip of
## every export variant. CI runs it after `make test`. Found by that marker, so a new long test needs no edit here.
LONG_PKGS  = $(sort $(patsubst %/,%,$(dir $(shell grep -rl --include='*_test.go' '^	longRun(t)' .))))
LONG_TESTS = $(shell grep -rh --include='*_test.go' -B2 '^	longRun(t)' . | grep -o '^func Test[A-Za-z0-9_]*' | cut -c6- | paste -sd'|')
test-long:
	$(GO) test $(TAGS) -count=1 -timeout 30m -run '^($(LONG_TESTS))$$' $(LONG_PKGS)

## test-sqlite: the suite on SQLite only
test-sqlite:
	TEST_MYSQL_DSN= $(GO) test $(TAGS) -count=1 -short ./...

## test-mysql: the suite with MySQL on 127.0.0.1:3306 as root without password (as on the dev machines)
test-mysql:
	TEST_MYSQL_DSN='mysql://root@tcp(127.0.0.1:3306)/mysql' $(GO) test $(TAGS) -count=1 -short ./...

## lint: go vet, gofmt, staticcheck (pinned in go.mod as a tool), go.mod tidiness and the OpenAPI lint; CI fails on any of them
lint:
	$(GO) vet $(LINT_TAGS) ./...
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) tool staticcheck $(LINT_TAGS) ./...
	$(GO) mod tidy -diff
	@$(MAKE) --no-print-directory lint-openapi

## lint-openapi: docs/openapi.yaml through Redocly's linter (pinned in docs/openapi-lint, recommended rules): an
## error fails, warnings are printed. Needs node and npm (CI installs them); elsewhere without npm it is SKIPPED.
OPENAPI_LINT := docs/openapi-lint
.PHONY: lint-openapi
lint-openapi:
	@if ! command -v npm >/dev/null; then \
	  if [ -n "$$CI" ]; then echo "lint-openapi: npm is not installed (apt-get install nodejs npm)"; exit 1; fi; \
	  echo "lint-openapi: npm is not installed, so the OpenAPI lint is SKIPPED (apt-get install nodejs npm)"; exit 0; \
	fi; \
	if [ ! -f $(OPENAPI_LINT)/node_modules/.package-lock.json ] || \
	   [ $(OPENAPI_LINT)/package-lock.json -nt $(OPENAPI_LINT)/node_modules/.package-lock.json ]; then \
	  (cd $(OPENAPI_LINT) && npm ci --no-audit --no-fund --loglevel=error) || exit 1; \
	fi; \
	cd $(OPENAPI_LINT) && REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
	  ./node_modules/.bin/redocly lint ../openapi.yaml --format=stylish

## race: under the race detector, the tests of the packages that run goroutines (uploads, the store's pools and
## retries, the HTTP helpers) and the HTTP layer's concurrent tests (uploaders and publishers at once, limits, the
## cache, desk sessions; the whole handlers suite takes over 10 minutes under -race); CI runs it beside `make test`
RACE_PKGS ?= ./store/... ./filings/... ./ingest/... ./httpx/... ./web/...
race:
	$(GO) test $(TAGS) -race -count=1 -short $(RACE_PKGS)
	$(GO) test $(TAGS) -race -count=1 -run '^(TestConcurrency|TestPanic|TestRateLimit|TestSignIn|TestFileCache|TestDeskSession)' ./handlers/

## bench: side by side with sqlite3, MariaDB's LOAD DATA and nginx; writes bench/results.json (docs/benchmarks.md).
## Never part of `make test`. BENCH_FLAGS='--only export' runs a part; the Go micro-benchmarks are `make bench-go`.
bench:
	bench/run.sh $(BENCH_FLAGS)

bench-go:
	$(GO) test -run '^$$' -bench . -benchmem ./...

## fuzz: every `go test -fuzz` target (ingest, codes, models, `codes load`, and fuzz/ over HTTP) for FUZZTIME each,
## one after another (go test fuzzes one target per run). A crasher is saved in its package's testdata/fuzz and
## from then on runs in `make test`; docs/reliability.md, "Fuzzing". CI: make fuzz FUZZTIME=20x (a count, not a time: a time can run out while Go is still gathering a slow target's baseline coverage, which it reports as a failure)
FUZZTIME     ?= 30s
FUZZ_PARALLEL ?= 1
FUZZ_MINIMIZE ?= 1s
# Every package with a Fuzz function, so a new target is fuzzed without editing this file.
FUZZ_PKGS    ?= $(sort $(patsubst %/,%,$(dir $(shell grep -rl --include='*_test.go' '^func Fuzz' .))))
.PHONY: fuzz
fuzz:
	@failed=""; for pkg in $(FUZZ_PKGS); do \
	  for t in $$(grep -ho '^func Fuzz[A-Za-z0-9_]*' $$pkg/*_test.go | cut -c6-); do \
	    echo "== $$pkg $$t for $(FUZZTIME)"; \
	    $(GO) test $(TAGS) -run '^$$' -fuzz "^$$t\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZ_MINIMIZE) -parallel $(FUZZ_PARALLEL) $$pkg || failed="$$failed $$pkg:$$t"; \
	  done; \
	done; \
	if [ -n "$$failed" ]; then echo "make fuzz: FAILED:$$failed (inputs in testdata/fuzz)"; exit 1; fi

## faults: kill -9 `sunshine serve` at random moments during uploads, corrections and publications — 100 trials on
## SQLite, 30 on MariaDB (127.0.0.1:3306, root) — and check after every restart that nothing acknowledged was lost and
## nothing was half-written (docs/reliability.md). Never part of `make test`; FAULTS_SEED=N repeats its random choices.
faults:
	FAULTS_SQLITE_TRIALS=$${FAULTS_SQLITE_TRIALS:-100} FAULTS_MYSQL_TRIALS=$${FAULTS_MYSQL_TRIALS:-30} \
	  TEST_MYSQL_DSN='$(or $(TEST_MYSQL_DSN),mysql://root@tcp(127.0.0.1:3306)/mysql)' \
	  $(GO) test -tags faults -count=1 -timeout 60m -v -run 'TestCrash|TestHarness' ./faults

## faults-short: the CI version, 10 kill -9 trials on SQLite (and 5 on MariaDB when TEST_MYSQL_DSN is set); under a minute
faults-short:
	FAULTS_SQLITE_TRIALS=10 FAULTS_MYSQL_TRIALS=5 $(GO) test -tags faults -count=1 -timeout 5m -run 'TestCrash|TestHarness' ./faults

## outage: the service on MariaDB while its database goes away — the connection cut for 3 s (as in a restart), then
## every connection killed every 300 ms — under 4 uploaders and 8 readers: no 500, no hang, every 503 with Retry-After
## and a Chinese message, /readyz 503 meanwhile, recovery without a restart (about a minute; CI runs it whole). The
## quick store-level outage tests and the SQLite disk-full test are part of `make test`.
outage:
	TEST_MYSQL_DSN='$(or $(TEST_MYSQL_DSN),mysql://root@tcp(127.0.0.1:3306)/mysql)' \
	  $(GO) test -tags reliability -count=1 -timeout 10m -v -run 'TestOutage|TestDiskFull' ./reliability

## load: 8 uploaders and 32 readers for 60 s on SQLite and on MariaDB: 5xx (must be 0), 429/503, read p50/p99, every
## acknowledged upload present (docs/reliability.md). load-short is the 10 s version CI runs.
LOAD_DURATION ?= 60s
load:
	LOAD_DURATION=$(LOAD_DURATION) TEST_MYSQL_DSN='$(or $(TEST_MYSQL_DSN),mysql://root@tcp(127.0.0.1:3306)/mysql)' \
	  $(GO) test -tags reliability -count=1 -timeout 30m -v -run 'TestLoad' ./reliability

load-short:
	$(MAKE) load LOAD_DURATION=10s

## test-galera: start a 3-node MariaDB Galera cluster on loopback (reliability/galera.sh: Debian's mariadb-server and
## galera-4, ports 13306-13308, datadirs under /tmp/sunshine-galera), run the store, filings and reliability suites
## against it (certification conflicts, a node killed) and 10 kill -9 trials of the fault harness on node 1, then stop
## it. GALERA_KEEP=1 leaves it running.
test-galera:
	reliability/galera.sh start
	@status=0; export TEST_MYSQL_DSN='mysql://root@tcp(127.0.0.1:13306)/mysql' TEST_GALERA_DSNS="$$(reliability/galera.sh dsns)"; \
	$(GO) test -count=1 -timeout 30m ./store/... ./filings/... ./reliability || status=$$?; \
	$(GO) test -count=1 -run 'TestConcurrency' ./handlers || status=$$?; \
	FAULTS_MYSQL_TRIALS=$${FAULTS_MYSQL_TRIALS:-10} $(GO) test -tags faults -count=1 -timeout 20m -run 'TestCrash_MariaDB' ./faults || status=$$?; \
	if [ -z "$$GALERA_KEEP" ]; then reliability/galera.sh stop; fi; exit $$status

.PHONY: outage load load-short test-galera

## screenshots: the browser tests (Chromium) save full-page PNGs of the main pages in docs/screenshots; look at them
screenshots:
	SUNSHINE_SCREENSHOT_DIR=$(CURDIR)/docs/screenshots $(GO) test ./handlers -run 'TestBrowser' -count=1

clean:
	rm -rf bin

# Sunshine (阳光财政). Two commands get a newcomer going: `make run` and `make test`.
GO      ?= go
BIN     := bin/sunshine
DB      ?= sqlite:./data/sunshine.db
ADDR    ?= :8080

.PHONY: run build test test-sqlite test-mysql lint bench bench-go screenshots clean

## run: build, migrate the embedded SQLite database under ./data, load the demo city once, serve on http://localhost:8080
run: build
	@mkdir -p data
	./$(BIN) migrate --db '$(DB)'
	./$(BIN) demo --quiet --db '$(DB)'
	./$(BIN) serve --db '$(DB)' --addr '$(ADDR)'

## build: the one binary, from ./cmd/sunshine
build:
	$(GO) build -o $(BIN) ./cmd/sunshine

## test: the whole suite; the MySQL tests run when TEST_MYSQL_DSN is set
test:
	@if [ -z "$$TEST_MYSQL_DSN" ]; then \
	  echo "make test: TEST_MYSQL_DSN is not set, so the MySQL tests are SKIPPED (SQLite tests run)."; \
	  echo "           e.g. TEST_MYSQL_DSN='mysql://root@tcp(127.0.0.1:3306)/mysql' make test"; \
	fi
	$(GO) test -count=1 ./...

## test-sqlite: the suite on SQLite only
test-sqlite:
	TEST_MYSQL_DSN= $(GO) test -count=1 ./...

## test-mysql: the suite with MySQL on 127.0.0.1:3306 as root without password (as on the dev machines)
test-mysql:
	TEST_MYSQL_DSN='mysql://root@tcp(127.0.0.1:3306)/mysql' $(GO) test -count=1 ./...

## lint: go vet and a gofmt check
lint:
	$(GO) vet ./...
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

## bench: side by side with sqlite3, MariaDB's LOAD DATA and nginx; writes bench/results.json (docs/benchmarks.md).
## Never part of `make test`. BENCH_FLAGS='--only export' runs a part; the Go micro-benchmarks are `make bench-go`.
bench:
	bench/run.sh $(BENCH_FLAGS)

bench-go:
	$(GO) test -run '^$$' -bench . -benchmem ./...

## screenshots: the browser tests (Chromium) save full-page PNGs of the main pages in docs/screenshots; look at them
screenshots:
	SUNSHINE_SCREENSHOT_DIR=$(CURDIR)/docs/screenshots $(GO) test ./handlers -run 'TestBrowser' -count=1

clean:
	rm -rf bin

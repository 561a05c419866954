# Kehu: `make run` serves on an embedded SQLite file; `make test` runs every test.
GO       ?= go
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -X main.version=$(VERSION)
ASSETS   := node_modules/.kehu-assets-stamp
# Packages whose tests exercise concurrency run under the race detector.
RACE_PKGS := ./cmd/... ./internal/httpx/... ./internal/jobs/... ./internal/store/... ./internal/server/...

.PHONY: run build assets test vet staticcheck unit race bench fuzz clean

run: build
	@echo "Starting Kehu on ./kehu.db — open the URL below in a browser."
	./bin/kehu serve

build: assets
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/kehu ./cmd/kehu

# Front-end packages come from npm into internal/ui/static/vendor/ (git-ignored, embedded).
assets: $(ASSETS)
$(ASSETS): package.json package-lock.json scripts/assets.mjs
	npm ci --no-audit --no-fund --loglevel=error
	npm run -s assets
	@touch $@

test: assets vet staticcheck unit race

vet:
	$(GO) vet ./...

staticcheck:
	$(GO) tool staticcheck ./...

unit:
	$(GO) test -count=1 ./...

race:
	$(GO) test -count=1 -race $(RACE_PKGS)

bench: build
	./bin/kehu bench http --duration 5s

# Fuzz each target for FUZZTIME (default 30s); seed corpora live in testdata/fuzz.
FUZZTIME ?= 30s
fuzz:
	$(GO) test ./internal/httpx -run '^$$' -fuzz FuzzDecodeJSON -fuzztime $(FUZZTIME)

clean:
	rm -rf bin node_modules internal/ui/static/vendor

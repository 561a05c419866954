# Kehu: `make run` serves on an embedded SQLite file; `make test` runs every test.
GO       ?= go
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -X main.version=$(VERSION)
ASSETS   := node_modules/.kehu-assets-stamp
# Packages whose tests exercise concurrency run under the race detector.
RACE_PKGS := ./cmd/... ./internal/httpx/... ./internal/jobs/... ./internal/store/...
RACE_SERVER_TESTS := Concurren|Numbers|Changes|Sweep|Overdue|Escalat|Import|RateLimit|Lock|Metrics|Shutdown

.PHONY: run build assets test openapi-lint vet staticcheck unit race bench fuzz clean screenshots

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

test: assets openapi-lint vet staticcheck unit race

# The merged OpenAPI document: redocly's recommended rules with no error and
# no warning, then a TypeScript client type-checked against the types
# openapi-typescript generates from it. All offline once npm ci has run.
OPENAPI_OUT := bin/openapi
openapi-lint: $(ASSETS)
	@mkdir -p $(OPENAPI_OUT)
	$(GO) run ./scripts/openapi-dump $(OPENAPI_OUT)/openapi.json
	REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true npx --no-install redocly lint --extends=recommended \
		--format=json $(OPENAPI_OUT)/openapi.json 2>/dev/null > $(OPENAPI_OUT)/lint.json || true
	node scripts/openapi-lint-report.mjs $(OPENAPI_OUT)/lint.json
	npx --no-install openapi-typescript $(OPENAPI_OUT)/openapi.json -o $(OPENAPI_OUT)/kehu-api.d.ts
	npx --no-install tsc -p scripts/openapi-client/tsconfig.json

vet:
	$(GO) vet ./...

staticcheck:
	$(GO) tool staticcheck ./...

# The HTTP package's tests run as two processes beside the other packages
# (scripts/go-test-shards.sh): they wait on fsync, PostgreSQL and Chromium
# much of the time, and one process would leave a core idle.
unit:
	@set -e; \
	$(GO) test -count=1 -timeout 30m $$($(GO) list ./... | grep -v '/internal/server$$') & rest=$$!; \
	GO=$(GO) bash scripts/go-test-shards.sh ./internal/server 2 -test.timeout 30m || shards=$$?; \
	wait $$rest; exit $${shards:-0}

# The race pass runs the concurrent packages whole, and of the HTTP tests
# those that exercise concurrency (parallel creators, the sweep, the
# principal cache, imports, rate limits); every HTTP test has already run
# once in the unit pass, and all of them under -race would take most of
# CI's time on two cores.
race:
	@set -e; \
	$(GO) test -count=1 -race -timeout 30m $(RACE_PKGS) & pkgs=$$!; \
	$(GO) test -count=1 -race -timeout 30m -run '$(RACE_SERVER_TESTS)' -skip '^TestBrowser' ./internal/server/ || server=$$?; \
	wait $$pkgs; exit $${server:-0}

# Screenshots of every page for every role at 1366×900 and 390×844, on a
# sample company, into SHOTS (git-ignored); open $(SHOTS)/index.html.
SHOTS ?= $(CURDIR)/screenshots
screenshots: assets
	rm -rf $(SHOTS)
	KEHU_SCREENSHOTS=$(SHOTS) KEHU_PLAN_CHECK=off $(GO) test -count=1 -timeout 30m -run '^TestScreenshotsOfEveryPage$$' ./internal/server/

bench: build
	./bin/kehu bench http --duration 5s

# Fuzz each target for FUZZTIME (default 30s); seed corpora live in each
# package's testdata/fuzz. FUZZ_TARGETS lists package:Target pairs.
FUZZTIME ?= 30s
FUZZ_TARGETS ?= ./internal/httpx:FuzzDecodeJSON ./internal/crm/importer:FuzzCSVRows ./internal/crm/importer:FuzzXLSXRows \
	./internal/crm/importer:FuzzParseDate ./internal/calendar:FuzzParseDate ./internal/cn:FuzzValidateUSCC \
	./internal/cn:FuzzParseResidentID ./internal/cn:FuzzValidateMobile ./internal/crm/service:FuzzCheckSignature
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		echo "fuzz $$t for $(FUZZTIME)"; \
		$(GO) test $${t%%:*} -run '^$$' -fuzz "^$${t##*:}$$" -fuzztime $(FUZZTIME); \
	done

clean:
	rm -rf bin node_modules internal/ui/static/vendor

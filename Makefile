# Short targets; see README.md.
GO ?= go
PG_URL ?= postgres://postgres@127.0.0.1:5432/test?sslmode=disable
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
GOVULNCHECK := golang.org/x/vuln/cmd/govulncheck@v1.9.0

.PHONY: run build test test-pg test-long race lint openapi-lint vuln bench bench-services ui ui-check e2e ci mutate crash hostile cluster-up cluster-down cluster-faults load

run:
	$(GO) run ./cmd/liangxin serve --jurisdiction 430426

build:
	$(GO) build -o bin/liangxin ./cmd/liangxin

# The whole suite on the embedded SQLite database.
test:
	$(GO) test -count=1 ./...

# The whole suite again on PostgreSQL (every store-touching test switches on LIANGXIN_TEST_POSTGRES),
# on the packages whose tests open a database (scripts/pg-packages); the others would repeat `make test`.
test-pg:
	LIANGXIN_TEST_POSTGRES='$(PG_URL)' $(GO) test -p 1 $$(scripts/pg-packages)

# On PostgreSQL, the packages holding the long variants that CI's PostgreSQL run skips
# (storetest.SQLiteOnlyInCI: the demo's second whole load, the demo command's test, three roles of
# the access matrix) with those variants on (LIANGXIN_TEST_LONG=1). `make test` runs them on SQLite.
# Not in CI; see docs/decisions.md.
test-long:
	LIANGXIN_TEST_LONG=1 LIANGXIN_TEST_POSTGRES='$(PG_URL)' $(GO) test -count=1 -p 1 -timeout 60m \
		$$(grep -rl --include='*_test.go' 'storetest.SQLiteOnlyInCI' internal cmd | xargs -n1 dirname | sort -u | sed 's|^|./|')

race:
	$(GO) test -race -short ./...

lint:
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

# Lint the generated OpenAPI document with Redocly CLI (recommended rules,
# warnings count as errors).
openapi-lint:
	$(GO) run ./tools/openapi-lint/dump > tools/openapi-lint/openapi.json
	cd tools/openapi-lint && npm ci --no-audit --no-fund --loglevel=error && npx redocly lint --config redocly.yaml openapi.json

vuln:
	$(GO) run $(GOVULNCHECK) ./...

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# Service requests at scale (issue 13): 1,000,000 requests on PostgreSQL,
# the overdue list and a month's figures beside the bare SQL. Not in CI.
bench-services:
	$(GO) run ./bench/servicereq -rows 1000000 -pg '$(PG_URL)'

# Regenerate the API types from the OpenAPI document (web/src/api/schema.d.ts), then build.
ui:
	cd web && npm ci && npm run gen:api && npm run build

# Rebuild the UI and fail if the committed web/dist or web/src/api/schema.d.ts is stale.
ui-check: ui
	git diff --exit-code -- web/dist web/src/api/schema.d.ts
	test -z "$$(git status --porcelain -- web/dist web/src/api/schema.d.ts)"

e2e: build
	cd e2e && npm ci && LIANGXIN_BIN=../bin/liangxin node --test

ci:
	bash .ci/run

# Mutation testing of the rule packages (gremlins, pinned; slow: see docs/testing.md). Not part of ci.
mutate:
	bash .ci/mutate

# The crash test (kill -9 during an import, restart) with 100,000 rows, on SQLite and PostgreSQL
# (the normal suite runs it with 30,000; see docs/testing.md). A few minutes.
crash:
	LIANGXIN_CRASH_ROWS=100000 LIANGXIN_CRASH_BOTH=1 LIANGXIN_TEST_POSTGRES='$(PG_URL)' $(GO) test -count=1 -v -timeout 20m -run TestCrashDuringImport ./cmd/liangxin/

# The hostile uploads of issue 12 (a 190 MB cell, 7.6 M shared strings, 60 MB of shared text, a row of
# 5 M cells), four at once, to a server started for the run; prints each answer and the server's peak
# RSS (VmHWM). Against a running server: go run ./bench/hostile -url URL -pid PID -user U -password P.
# Not in CI; see docs/benchmarks.md.
hostile: build
	$(GO) run ./bench/hostile -bin bin/liangxin

# A cluster on this machine (issue 19): PostgreSQL primary on 5433 with a synchronous streaming
# replica on 5434, three nodes on 18201-18203, a Go load balancer on 18200; see docs/operations.md.
cluster-up:
	scripts/cluster-up

cluster-down:
	scripts/cluster-down

# The long fault run (60 s phases at 40 requests/s, a 20,000-row import) against a fresh cluster;
# CI runs scripts/cluster-faults --short. Phase b promotes the replica, so the cluster is rebuilt first.
cluster-faults:
	scripts/cluster-down
	scripts/cluster-up
	scripts/cluster-faults; rc=$$?; scripts/cluster-down; exit $$rc

# Issue 18, target 3: the demo (SQLite, a fresh temporary folder) served on 127.0.0.1:18100 and driven at
# a fixed rate with 20% writes for LOAD_DURATION; prints throughput, p50/p90/p99/max and errors per
# endpoint, the load average and the SQLite log size. Not in CI; see docs/benchmarks.md.
LOAD_RATE ?= 100
LOAD_DURATION ?= 30s
load: build
	$(GO) run ./bench/load -bin bin/liangxin -rate $(LOAD_RATE) -duration $(LOAD_DURATION) -writes 0.2

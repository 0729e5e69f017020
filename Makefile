# foghorn: `make demo` tells an incident in the terminal, `make test` runs every check CI runs.
GO ?= go

.PHONY: test vet test-notifier test-infra test-consumer build demo bench fuzz clean

test: vet test-notifier test-infra test-consumer

vet:
	$(GO) vet ./...

# The notifier is concurrent (deliveries fan out), so its tests run under the race detector.
test-notifier:
	$(GO) test -race ./lambda/...

test-infra:
	$(GO) test ./infra/...

# The example consumer is its own module, importing foghorn as another team's stack would; its
# test builds the notifier from that module. When the notifier gains dependencies, refresh its
# go.sum with: cd infra/examples/consumer && go mod tidy
test-consumer:
	cd infra/examples/consumer && $(GO) vet ./... && $(GO) test ./...

# The notifier's deployment zip: the same deterministic bytes `pulumi up` ships.
build:
	$(GO) run ./infra/cmd/notifierzip -o build/notifier.zip

demo:
	$(GO) run ./lambda/cmd/foghorn demo

# The README's benchmarks ("Speed and size"), as it runs them. The machine's timings wander:
# compare runs of BENCHCOUNT each, not single ones.
BENCHCOUNT ?= 10
bench: build
	$(GO) test ./lambda/notifier -run '^$$' -bench 'Pipeline$$' -benchtime 10000x -count $(BENCHCOUNT) -cpu 1
	$(GO) test ./lambda/notifier -run '^$$' -bench PipelineSQS -benchtime 10000x -count $(BENCHCOUNT) -cpu 1
	$(GO) test ./lambda/notifier -run '^$$' -bench Burst -benchtime 10x
	$(GO) test ./lambda/logtail -run '^$$' -bench Redact
	$(GO) test ./lambda/logpattern -run '^$$' -bench . -benchtime 20000x -count 5 -cpu 1
	ls -l build/notifier.zip

# A short run of every fuzz target, each FUZZTIME long (go test fuzzes one target at a time).
# -run '^$$' keeps the package's other tests from running first.
FUZZTIME ?= 10s
fuzz:
	@$(GO) test -list '^Fuzz' ./... | awk '/^Fuzz/ { names = names " " $$1 } /^ok/ { if (names != "") print $$2 names; names = "" }' | \
	while read -r pkg names; do \
		for name in $$names; do \
			echo "$$pkg $$name"; \
			$(GO) test "$$pkg" -run '^$$' -fuzz "^$$name$$" -fuzztime $(FUZZTIME) || exit 1; \
		done; \
	done

clean:
	rm -rf build .build infra/examples/consumer/.build

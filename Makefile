# foghorn: `make demo` tells an incident in the terminal, `make test` runs every check CI runs.
GO ?= go

.PHONY: test vet test-notifier test-infra test-consumer build demo bench instructions memory fuzz clean

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
# compare runs of BENCHCOUNT each, not single ones; the instruction counts do not wander.
BENCHCOUNT ?= 10
bench: build instructions memory build/aws-lambda-rie
	$(GO) test ./lambda/notifier -run '^$$' -bench 'Pipeline$$' -benchtime 10000x -count $(BENCHCOUNT) -cpu 1
	$(GO) test ./lambda/notifier -run '^$$' -bench PipelineSQS -benchtime 10000x -count $(BENCHCOUNT) -cpu 1
	$(GO) test ./lambda/notifier -run '^$$' -bench Deliver -benchtime 1000x -count 3 -cpu 1
	FOGHORN_RIE=$(CURDIR)/build/aws-lambda-rie $(GO) test ./lambda -run '^$$' -bench ColdStart -benchtime 20x -count 3
	CGO_ENABLED=0 $(GO) build -tags lambda.norpc -trimpath -buildvcs=false -ldflags '-s -w -buildid=' -o build/bootstrap ./lambda
	@for i in 1 2 3 4 5; do GODEBUG=inittrace=1 build/bootstrap 2>&1 | \
		awk '/^init / { s += $$5; b += $$8 } END { print "package initialisation:", s, "ms,", b, "bytes" }'; done
	$(GO) test ./lambda/notifier -run '^$$' -bench Burst -benchtime 10x
	$(GO) test ./lambda/logtail -run '^$$' -bench Redact
	$(GO) test ./lambda/logpattern -run '^$$' -bench . -benchtime 20000x -count 5 -cpu 1
	ls -l build/notifier.zip

# AWS's Lambda Runtime Interface Emulator, which runs the bootstrap as Lambda does and times
# its init phase (BenchmarkColdStartRIE).
RIE_VERSION = v0.0.0-20261030222936-bef5c4ba774d
build/aws-lambda-rie:
	GOBIN=$(CURDIR)/build $(GO) install github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@$(RIE_VERSION)

# Inputs of the measurements below: SQS batches of SNS-wrapped EventBridge fixtures.
build/batch-%.json:
	@mkdir -p build
	$(GO) run ./lambda/internal/fixtures/batch -n $* > $@

# valgrind cannot follow Go's preemption signals, and valgrind 3.19 lacks the RDTSCP
# instruction: both are switched off. A count of 1,100 records less one of 100 leaves out
# what does not grow with the batch (start, config), and is divided by the 1,000 between. The
# collector's share moves a little with its pacing, so each count is the median of three;
# with GOGC=off (no collection) the count is the same on every run. valgrind runs one thread
# at a time, and under its default scheduling a thread waiting for the collector's workers
# (`foghorn render` collects before and after the stories) can spin for billions of
# instructions before they run: --fair-sched=yes hands the CPU round in turn.
CALLGRIND = GODEBUG=asyncpreemptoff=1,cpu.rdtscp=off valgrind --tool=callgrind --fair-sched=yes --callgrind-out-file=/dev/null
count = for i in 1 2 3; do $(CALLGRIND) $(1) 2>&1 >/dev/null | awk '/Collected/ { print $$4 }'; done | sort -n | sed -n 2p
perEvent = a=$$($(call count,$(1) $(2))); b=$$($(call count,$(1) $(3))); echo "$$(( (b - a) / $(4) ))"

# Instructions per event, counted by callgrind: `foghorn render` on SQS batches, and the
# pipeline benchmark (SQS batches of ten) in the notifier's test binary.
instructions: build/batch-100.json build/batch-1100.json
	CGO_ENABLED=0 $(GO) build -o build/foghorn ./lambda/cmd/foghorn
	CGO_ENABLED=0 $(GO) test -c -o build/notifier.test ./lambda/notifier
	@echo "foghorn render: $$($(call perEvent,build/foghorn render,build/batch-100.json,build/batch-1100.json,1000)) instructions per event;" \
		"without garbage collection $$(export GOGC=off; $(call perEvent,build/foghorn render,build/batch-100.json,build/batch-1100.json,1000))"
	@cd lambda/notifier && B='../../build/notifier.test -test.run ^$$ -test.bench PipelineSQS$$ -test.cpu 1 -test.benchtime' && \
	echo "pipeline, SQS batches of ten: $$($(call perEvent,$$B,20x,220x,2000)) instructions per event;" \
		"without garbage collection $$(export GOGC=off; $(call perEvent,$$B,20x,220x,2000))"

# Peak memory (maximum resident set) of `foghorn render` on a batch of 10,000 records, and
# of the function on 10,000 events in invocations of ten (the bootstrap's VmHWM).
memory: build/batch-10000.json
	CGO_ENABLED=0 $(GO) build -o build/foghorn ./lambda/cmd/foghorn
	@/usr/bin/time -f 'foghorn render, 10,000 records: %M KiB peak, %e s' build/foghorn render build/batch-10000.json > /dev/null
	$(GO) test ./lambda -run '^$$' -bench FunctionMemory -benchtime 1x -count 3

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

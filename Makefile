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

clean:
	rm -rf build .build infra/examples/consumer/.build

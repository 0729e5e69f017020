# foghorn: `make demo` tells an incident in the terminal, `make test` runs every check CI runs.
GO ?= go

.PHONY: test vet test-notifier test-infra build demo bench fuzz clean

test: vet test-notifier test-infra

vet:
	$(GO) vet ./...

# The notifier is concurrent (deliveries fan out), so its tests run under the race detector.
test-notifier:
	$(GO) test -race ./lambda/...

test-infra:
	$(GO) test ./infra/...

# The notifier's deployment zip: the same deterministic bytes `pulumi up` ships.
build:
	$(GO) run ./infra/cmd/notifierzip -o build/notifier.zip

demo:
	$(GO) run ./lambda/cmd/foghorn demo

clean:
	rm -rf build .build

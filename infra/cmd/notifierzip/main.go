// Command notifierzip writes the notifier's deterministic deployment zip, the same one the
// Pulumi program builds during preview and up. `make build` runs it.
//
//	go run ./infra/cmd/notifierzip -o build/notifier.zip
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"github.com/foghornhq/foghorn/infra/notifierzip"
)

func main() {
	out := flag.String("o", "build/notifier.zip", "path of the zip to write")
	pkg := flag.String("pkg", notifierzip.Package, "import path of the notifier's main package")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	path, err := notifierzip.Build(ctx, notifierzip.Options{Output: *out, Package: *pkg, Stderr: os.Stderr})
	if err != nil {
		fmt.Fprintln(os.Stderr, "Error:", err)
		os.Exit(1)
	}
	fmt.Println(path)
}

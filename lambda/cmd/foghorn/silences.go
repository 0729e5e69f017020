package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	awsconfig "github.com/aws/aws-sdk-go-v2/config"

	"github.com/foghornhq/foghorn/lambda/awsjson"
	"github.com/foghornhq/foghorn/lambda/silence"
	"github.com/foghornhq/foghorn/lambda/state"
)

// silences lists or lifts the silences set from chat, in the stack's state table (its
// stateTableName output), through the AWS SDK with the usual credentials.
func silences(ctx context.Context, o *options, args []string, _ io.Reader, stdout, _ io.Writer) error {
	if len(args) == 0 || (args[0] != "list" && args[0] != "lift") {
		return usageError{errors.New("silences wants list or lift (foghorn silences --help)")}
	}
	verb, pos := args[0], args[1:]
	table := cmpOr(o.table, os.Getenv(envStateTable))
	switch {
	case table == "":
		return usageError{errors.New("silences " + verb + " needs --table (or " + envStateTable + "): the stack's state table, `pulumi stack output stateTableName`")}
	case verb == "lift" && len(pos) == 0:
		return usageError{errors.New("silences lift needs the ids of the silences to lift (silences list shows them)")}
	case verb == "list" && len(pos) > 0:
		return usageError{fmt.Errorf("silences list takes no arguments, got %q", pos)}
	case verb == "lift" && o.asJSON:
		return usageError{errors.New("--json is for silences list")}
	}
	region, endpoint, asJSON := &o.region, &o.endpointURL, &o.asJSON
	var opts []func(*awsconfig.LoadOptions) error
	if *region != "" {
		opts = append(opts, awsconfig.WithRegion(*region))
	}
	cfg, err := awsconfig.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return fmt.Errorf("AWS configuration: %w", err)
	}
	// The SDK's configuration finds the credentials (profiles, SSO, …); the table is read as
	// the function reads it.
	client := state.NewDynamoDB(awsjson.Config{Region: cfg.Region, Credentials: cfg.Credentials, Getenv: func(k string) string {
		if *endpoint != "" && k == "AWS_ENDPOINT_URL_DYNAMODB" {
			return *endpoint
		}
		return os.Getenv(k)
	}})
	store := silence.New(state.NewDynamo(client, table, processing), processing)
	if verb == "list" {
		return listSilences(ctx, store, stdout, *asJSON)
	}
	var errs []error
	for _, id := range pos {
		s, err := store.Lift(ctx, id)
		if err != nil {
			if errors.Is(err, silence.ErrNotFound) {
				err = fmt.Errorf("%s: no active silence has this id (it may have ended already)", id)
			}
			errs = append(errs, err)
			continue
		}
		fmt.Fprintf(stdout, "lifted %s: %s (%s), set by @%s\n", s.ID, s.Subject(), kindsOf(s), s.By.Name)
	}
	return errors.Join(errs...)
}

func listSilences(ctx context.Context, store *silence.Store, stdout io.Writer, asJSON bool) error {
	list, err := store.Active(ctx)
	if err != nil {
		return err
	}
	now := processing.Now()
	if asJSON {
		enc := json.NewEncoder(stdout)
		for _, s := range list {
			if err := enc.Encode(s); err != nil {
				return err
			}
		}
		return nil
	}
	if len(list) == 0 {
		fmt.Fprintln(stdout, "no active silences")
		return nil
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tSERVICE\tCOVERS\tBY\tUNTIL\tLEFT")
	for _, s := range list {
		until := s.Until.UTC().Format("2006-01-02 15:04 UTC")
		if s.Deployment != "" {
			until = s.Deployment + " completes (by " + until + ")"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t@%s\t%s\t%s\n", s.ID, s.Subject(), kindsOf(s), s.By.Name, until, s.Until.Sub(now).Round(time.Minute))
	}
	return w.Flush()
}

func kindsOf(s silence.Silence) string {
	var k []string
	for _, x := range s.Kinds {
		k = append(k, string(x))
	}
	return strings.Join(k, ",")
}

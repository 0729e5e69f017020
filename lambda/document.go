package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/aws/smithy-go"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/clock"
	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/notifier"
	"github.com/foghornhq/foghorn/lambda/param"
	"github.com/foghornhq/foghorn/lambda/state"
)

// documentSource is where the config document comes from: its SSM parameter, and, when that
// one cannot be used, the last document that worked, kept in the state table.
type documentSource struct {
	params *param.Store
	name   string
	store  state.Store // nil: no table, nothing to fall back on
	clock  clock.Clock

	raw      string // the parameter's value, once read
	parseErr error  // why it is invalid: config problems, each naming its key
}

// load returns the document to run on. When the parameter's document cannot be used (it
// cannot be read, or is invalid) it returns the last one that worked and the problem to tell;
// with none kept, an error that is the function's one log line.
func (s *documentSource) load(ctx context.Context) (*config.Document, *notifier.Problem, error) {
	raw, err := s.params.Get(ctx, s.name)
	var doc *config.Document
	if err == nil {
		s.raw = raw
		if doc, s.parseErr = config.Parse([]byte(raw)); s.parseErr != nil {
			err = fmt.Errorf("the config document in SSM parameter %s is invalid: %w", s.name, s.parseErr)
		}
	}
	if err == nil {
		return doc, nil, nil
	}
	if s.store == nil {
		return nil, nil, fmt.Errorf("%w; and with no state table (%s) no document that worked before is kept to run on", err, EnvStateTable)
	}
	last, ok, lerr := state.LastDocument(ctx, s.store)
	switch {
	case lerr != nil:
		return nil, nil, fmt.Errorf("%w; and the last document that worked could not be read from the state table: %v", err, lerr)
	case !ok:
		return nil, nil, fmt.Errorf("%w; and no document that worked before is kept in the state table, so there is nothing to route by", err)
	}
	prev, perr := config.Parse([]byte(last.Document))
	if perr != nil {
		// Saved by an older notifier whose documents this one no longer takes.
		return nil, nil, fmt.Errorf("%w; and the last document that worked, saved %s, is not valid for this notifier either: %v", err, last.Saved.Format(stamp), perr)
	}
	return prev, s.fallback(err, prev, last), nil
}

const stamp = "2006-01-02 15:04 UTC"

// fallback is the problem of running on an earlier document: which keys are at fault (or why
// the parameter could not be read), and since when the document run on dates.
func (s *documentSource) fallback(err error, prev *config.Document, last state.SavedDocument) *notifier.Problem {
	var keys []string
	for _, p := range config.Problems(s.parseErr) {
		keys = append(keys, p.Key)
	}
	// The id must be the same in every container: from the document and its problems, or
	// for a parameter that cannot be read, the error's code, never a request id.
	why := err.Error()
	if s.raw == "" {
		why = "unreadable:" + errorCode(err)
	}
	env := "foghorn: "
	if prev.Environment != "" {
		env = "foghorn " + prev.Environment + ": "
	}
	p := &notifier.Problem{
		ID:       notifier.ProblemID(notifier.ConfigFallback, s.name, state.DocumentHash([]byte(strings.TrimSpace(s.raw))), why),
		Event:    notifier.ConfigFallback,
		Severity: alert.Warning,
		Title:    env + "running on the last config document that worked",
		Text: fmt.Sprintf("%v. foghorn runs on the last document that worked, saved %s, until a valid one is in the parameter: "+
			"pulumi up writes it, and foghorn render --config FILE checks a document before it is written.", err, last.Saved.Format(stamp)),
		Facts: []alert.Fact{{Label: "Parameter", Value: s.name}, {Label: "Running on", Value: "the document saved " + last.Saved.Format(stamp)}},
	}
	if len(keys) > 0 {
		p.Facts = append([]alert.Fact{{Label: "Keys at fault", Value: strings.Join(keys, ", ")}}, p.Facts...)
	}
	return p
}

// save keeps the document just read as the last one that worked.
func (s *documentSource) save(ctx context.Context, log *slog.Logger) {
	if s.store == nil || s.raw == "" {
		return
	}
	wrote, err := state.SaveDocument(ctx, s.store, s.name, []byte(s.raw), s.clock.Now())
	switch {
	case err != nil:
		log.Warn("could not keep the config document as the last that worked", "error", err.Error())
	case wrote:
		log.Info("config document kept as the last that worked", "parameter", s.name)
	}
}

// refusal is the problem of a function that cannot start: told to ops before it exits.
func (s *documentSource) refusal(err error) notifier.Problem {
	code := errorCode(err)
	if s.parseErr != nil {
		code = errorCode(s.parseErr)
	}
	return notifier.Problem{
		ID:       notifier.ProblemID("CANNOT_START", s.name, state.DocumentHash([]byte(s.raw)), code),
		Event:    "CANNOT_START",
		Severity: alert.Critical,
		Title:    "foghorn cannot start: no usable config document",
		Text:     fmt.Sprintf("%v. Every alert waits in the queue, and goes to the dead-letter queue once tried enough, until a valid document is in the parameter (pulumi up writes it); then redrive the dead-letter queue.", err),
		Facts:    []alert.Fact{{Label: "Parameter", Value: s.name}},
	}
}

// errorCode names an error by what is the same in every container: an AWS error's code, a
// config problem's keys, or the error's text.
func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	var keys []string
	for _, p := range config.Problems(err) {
		keys = append(keys, p.Key+": "+p.Message)
	}
	if len(keys) > 0 {
		return strings.Join(keys, "; ")
	}
	return err.Error()
}

package main

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/foghornhq/foghorn/lambda/chat"
	"github.com/foghornhq/foghorn/lambda/chat/deliver"
	"github.com/foghornhq/foghorn/lambda/chat/slack"
	"github.com/foghornhq/foghorn/lambda/config"
	"github.com/foghornhq/foghorn/lambda/destination"
	"github.com/foghornhq/foghorn/lambda/notifier"
)

// testSigningKey signs send's requests to a generic webhook when FOGHORN_SIGNING_KEY is not
// set: a receiver under test verifies with it. It is public, and no deployment can use it
// unknowingly: the stack takes the key only from a secret of its own.
const testSigningKey = "foghorn-test-signing-key"

// How send's client waits: the function's defaults. Tests shorten them.
var (
	attemptTimeout = deliver.DefaultAttemptTimeout
	// sleep waits between attempts; nil is the client's own (a timer).
	sleep func(ctx context.Context, d time.Duration) error
)

func send(ctx context.Context, o *options, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if err := wantArgs("send", args, 1, "one event file (or - for stdin)"); err != nil {
		return err
	}
	secrets, err := o.sendSecrets(stderr)
	if err != nil {
		return err
	}
	doc, err := o.document()
	if err != nil {
		return err
	}
	recs, err := readInput(args[0], stdin)
	if err != nil {
		return err
	}
	p := &progress{w: stderr}
	client := &deliver.Client{Clock: processing, AttemptTimeout: attemptTimeout, Sleep: sleep, HTTP: &http.Client{
		Transport: watchedTransport{next: http.DefaultTransport, p: p},
		// A webhook that redirects is misconfigured, and following would turn the POST into a GET.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}, Log: slog.New(p)}
	d := doc.Destinations[0]
	target, err := destination.New(d, secrets, client)
	if err != nil {
		// The error names the parameter; here the value came from a flag or the environment.
		return usageError{fmt.Errorf("%s: %s", o.secretSource(), strings.ReplaceAll(strings.ReplaceAll(err.Error(), `parameter "`+cliSecretParam+`": `, ""), `parameter "`+cliSigningParam+`": `, envSigningKey+": "))}
	}
	if bot, ok := target.(*slack.Bot); ok && o.slackAPIURL != "" {
		bot.APIURL = strings.TrimSuffix(o.slackAPIURL, "/") + "/"
	}
	n, err := notifier.New(doc, notifier.WithClock(processing), notifier.WithTarget(d.Name, p.watch(target)))
	if err != nil {
		return err
	}
	plan := n.Plan(ctx, recs)
	if o.explain {
		explain(stderr, plan)
	}
	if len(plan.Messages) == 0 {
		fmt.Fprintf(stdout, "nothing to post: %d record(s), every alert kept out of the channel (--explain says why)\n", plan.Records)
		return nil
	}
	p.begin(plan.Messages, o.target)
	res := n.Deliver(ctx, plan)
	var failed []string
	for _, out := range res.Outcomes {
		if out.Err != nil {
			failed = append(failed, fmt.Sprintf("%s (%s)", out.Message.Alert.Title, out.Err))
			continue
		}
		fmt.Fprintf(stdout, "delivered: %s\n", out.Message.Alert.Title)
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d of %d messages not delivered:\n  %s", len(failed), len(plan.Messages), strings.Join(failed, "\n  "))
	}
	return nil
}

// sendSecrets gathers the destination's secrets from flags and the environment.
func (o *options) sendSecrets(stderr io.Writer) (config.Secrets, error) {
	var s config.Secrets
	if o.target == config.SlackBot {
		if o.webhookURL != "" {
			return s, usageError{errors.New("--target slack-bot posts with a bot token (--token or " + envSlackToken + "), not --webhook-url")}
		}
		s.Value = cmpOr(o.token, os.Getenv(envSlackToken))
		if s.Value == "" {
			return s, usageError{errors.New("send --target slack-bot needs the bot token: --token xoxb-… or " + envSlackToken)}
		}
		return s, nil
	}
	if o.token != "" || o.slackAPIURL != "" {
		return s, usageError{fmt.Errorf("--token and --slack-api-url are for --target slack-bot; %s posts to --webhook-url", o.target)}
	}
	s.Value = cmpOr(o.webhookURL, os.Getenv(envWebhookURL))
	if s.Value == "" {
		return s, usageError{errors.New("send needs the webhook URL: --webhook-url URL or " + envWebhookURL + " (which keeps it out of shell history)")}
	}
	if o.target == config.Webhook {
		s.SigningKey = os.Getenv(envSigningKey)
		if s.SigningKey == "" {
			s.SigningKey = testSigningKey
			fmt.Fprintf(stderr, "signing with the test key %q (set %s to sign with yours)\n", testSigningKey, envSigningKey)
		}
	}
	return s, nil
}

// secretSource names where the secret came from, for an error about its shape.
func (o *options) secretSource() string {
	switch {
	case o.target == config.SlackBot && o.token != "":
		return "--token"
	case o.target == config.SlackBot:
		return envSlackToken
	case o.webhookURL != "":
		return "--webhook-url"
	}
	return envWebhookURL
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// progress tells on stderr what send is doing: which message it is posting, and each failed
// attempt with the class of failure and the wait before the next. It never shows a URL or a
// token: it reads the delivery client's log lines, which hold neither, and describes network
// failures in its own words.
type progress struct {
	w      io.Writer
	mu     sync.Mutex
	titles []string // of the messages, in posting order (one destination posts in order)
	posted int
	// failure is the last attempt's failure without an answer, in words ("" after an answer).
	failure string
}

func (p *progress) begin(msgs []notifier.Message, target string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, m := range msgs {
		p.titles = append(p.titles, m.Alert.Title)
	}
	fmt.Fprintf(p.w, "sending %d message(s) to %s: each attempt waits up to %s for an answer, at most %d attempts\n",
		len(msgs), target, attemptTimeout, deliver.DefaultMaxAttempts)
}

// next says which message is being posted.
func (p *progress) next() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.posted++
	title := ""
	if p.posted <= len(p.titles) {
		title = p.titles[p.posted-1]
	}
	fmt.Fprintf(p.w, "[%d/%d] %s\n", p.posted, len(p.titles), title)
}

func (p *progress) answered(failure string) {
	p.mu.Lock()
	p.failure = failure
	p.mu.Unlock()
}

// Enabled, Handle, WithAttrs and WithGroup make progress the delivery client's slog.Handler.
func (p *progress) Enabled(context.Context, slog.Level) bool { return true }

func (p *progress) WithAttrs([]slog.Attr) slog.Handler { return p }
func (p *progress) WithGroup(string) slog.Handler      { return p }

// Handle turns the client's "delivery retry" and "delivery failed" lines into one line each.
func (p *progress) Handle(_ context.Context, r slog.Record) error {
	var attempt, attempts, status int64
	var class, code, why, errText string
	var wait time.Duration
	hasWait := false
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "attempt":
			attempt = a.Value.Int64()
		case "attempts":
			attempts = a.Value.Int64()
		case "status":
			status = a.Value.Int64()
		case "class":
			class = a.Value.String()
		case "code":
			code = a.Value.String()
		case "why":
			why = a.Value.String()
		case "wait":
			wait, hasWait = a.Value.Duration(), true
		case "error":
			errText = a.Value.String()
		}
		return true
	})
	p.mu.Lock()
	defer p.mu.Unlock()
	what := p.failure
	if status != 0 {
		what = fmt.Sprintf("answered %d", status)
		if code != "" {
			what += " " + code
		}
	}
	if what == "" {
		what = "failed"
	}
	switch {
	case errText != "" && !hasWait && why == "":
		// The request went out and then the connection failed: it may have been posted.
		fmt.Fprintf(p.w, "  attempt %d: the request was sent before the connection failed, so it may have been posted; retrying anyway\n", attempt)
	case hasWait:
		fmt.Fprintf(p.w, "  attempt %d: %s (%s); retrying in %s\n", attempt, what, class, wait.Round(10*time.Millisecond))
	case why != "":
		fmt.Fprintf(p.w, "  attempt %d: %s (%s); giving up: %s\n", attempts, what, class, why)
	}
	return nil
}

// watch wraps the target so that progress sees each message start.
func (p *progress) watch(t chat.Target) chat.Target {
	if th, ok := t.(chat.Threaded); ok {
		return watchedThreaded{th, p}
	}
	return watchedTarget{t, p}
}

type watchedTarget struct {
	chat.Target
	p *progress
}

func (w watchedTarget) Post(ctx context.Context, body []byte) error {
	w.p.next()
	return w.Target.Post(ctx, body)
}

type watchedThreaded struct {
	chat.Threaded
	p *progress
}

func (w watchedThreaded) Post(ctx context.Context, body []byte) error {
	w.p.next()
	return w.Threaded.Post(ctx, body)
}

func (w watchedThreaded) PostRef(ctx context.Context, body []byte) (chat.Ref, error) {
	w.p.next()
	return w.Threaded.PostRef(ctx, body)
}

func (w watchedThreaded) Update(ctx context.Context, ref chat.Ref, body []byte) error {
	w.p.next()
	return w.Threaded.Update(ctx, ref, body)
}

func (w watchedThreaded) Reply(ctx context.Context, ref chat.Ref, body []byte) error {
	w.p.next()
	return w.Threaded.Reply(ctx, ref, body)
}

// watchedTransport tells progress how each attempt ended when no answer came.
type watchedTransport struct {
	next http.RoundTripper
	p    *progress
}

func (t watchedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(r)
	t.p.answered(failureWords(err))
	return resp, err
}

// failureWords describes a failure to get an answer without repeating the error, which may
// hold the host or more.
func failureWords(err error) string {
	var dns *net.DNSError
	var unknownAuthority x509.UnknownAuthorityError
	var hostname x509.HostnameError
	switch {
	case err == nil:
		return ""
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("no answer within %s", attemptTimeout)
	case errors.Is(err, context.Canceled):
		return "interrupted"
	case errors.As(err, &dns):
		return "host not found"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection reset"
	case errors.As(err, &unknownAuthority), errors.As(err, &hostname):
		return "certificate not trusted"
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "timed out"
	}
	return "network error"
}

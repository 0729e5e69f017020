package chatfake

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/foghornhq/foghorn/lambda/clock"
)

// State is a destination's life: active, or dead in one of the ways chat services report.
type State string

const (
	Active   State = "active"
	Revoked  State = "revoked"  // the token or webhook was revoked (Slack: 403 invalid_token)
	Archived State = "archived" // the channel was archived (Slack: 410 channel_is_archived)
	Deleted  State = "deleted"  // the webhook was removed (Slack: 404 no_service)
)

func (s State) valid() bool {
	switch s {
	case Active, Revoked, Archived, Deleted:
		return true
	}
	return false
}

// Options configure a Server. The zero value is a fake on a random port, with no rate limits,
// on the real clock, accepting any webhook path as an active webhook.
type Options struct {
	// Addr to listen on, e.g. "127.0.0.1:8089"; "" picks a free port on 127.0.0.1. Like
	// httptest.NewServer, New panics if it cannot listen.
	Addr string
	// Clock for rate windows and timestamps; nil means the real clock.
	Clock clock.Clock
	// RateLimit turns on every endpoint's default limits (Slack webhook: 1/s, burst 3).
	RateLimit bool
	// Rates overrides limits per target name (e.g. TargetSlackWebhook) and turns them on.
	Rates map[string]Rate
	// Strict makes paths that were not handed out (SlackWebhookURL) or set (SetState) answer
	// as deleted webhooks, as the real services do for unknown URLs.
	Strict bool
	// MaxBody is the largest request body read; larger ones get 413. 0 means 1 MiB.
	MaxBody int64
	// Seed makes probabilistic faults (ScriptChance) repeatable.
	Seed uint64
	// OnRequest, if set, sees every recorded request as it completes (the demo prints them).
	OnRequest func(Request)
}

// Reply is an answer as sent.
type Reply struct {
	Status int         `json:"status"`
	Header http.Header `json:"header,omitempty"`
	Body   []byte      `json:"-"`
}

func reply(status int, contentType, body string) Reply {
	h := http.Header{}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	return Reply{Status: status, Header: h, Body: []byte(body)}
}

// Request is one recorded request and what the fake did with it.
type Request struct {
	Seq    int         `json:"seq"`
	Time   time.Time   `json:"time"` // on the fake's clock
	Target string      `json:"target"`
	Key    string      `json:"key"` // the destination: the URL path
	Method string      `json:"method"`
	Path   string      `json:"path"`
	Query  string      `json:"query,omitempty"`
	Header http.Header `json:"header"`
	Body   []byte      `json:"-"`
	// JSON is the decoded body (nil if it was not JSON); for a Slack text over 40,000
	// characters it holds the text as stored, cut.
	JSON     any   `json:"json,omitempty"`
	Response Reply `json:"response"`
	// Fault names the scripted fault that shaped the answer, if any.
	Fault string `json:"fault,omitempty"`
	// Problem says why the fake rejected the request, in more words than the real service
	// gives (Slack answers only "invalid_blocks"; this says which block and which limit).
	Problem string `json:"problem,omitempty"`
	// Truncated: accepted, but stored cut, as Slack does with text over 40,000 characters.
	Truncated bool `json:"truncated,omitempty"`
	// Outcome is "answered", or what happened instead: "reset", "truncated", "client gone".
	Outcome string `json:"outcome"`
}

// endpoint is one fake chat API. To add one (Discord, Teams, Google Chat, Slack's Web API), write
// a file with a target name constant, an init that calls register, and the serve, dead and
// limited functions; slackwebhook.go is the example. Shared checks go beside it (blockkit.go
// holds Slack's block rules, ready for chat.postMessage).
type endpoint struct {
	target  string // name used in scripts, rates and filters, e.g. TargetSlackWebhook
	pattern string // http.ServeMux pattern without a method; the method is checked here
	// key names the destination a request is for (state, scripts, rate buckets); nil means the
	// URL path. The Web API's destination is in the body (channel), hence the body.
	key func(r *http.Request, body []byte) string
	// serve validates a request that got past faults, state and the rate limiter, and answers.
	serve func(s *Server, x *exchange) Reply
	// dead is the answer of a destination in a dead state.
	dead func(st State) Reply
	// limited is the rate limiter's answer, given the wait.
	limited func(wait time.Duration) Reply
	// rate is the limit turned on by Options.RateLimit.
	rate Rate
}

var endpoints []endpoint

func register(e endpoint) { endpoints = append(endpoints, e) }

// exchange is one request in flight, with the record being built.
type exchange struct {
	r   *http.Request
	rec Request
}

// Server is a running fake. Close it when done.
type Server struct {
	opts Options
	ts   *httptest.Server
	mux  *http.ServeMux

	done      chan struct{}
	closeOnce sync.Once

	mu       sync.Mutex
	clock    clock.Clock
	seq      int
	requests []Request
	queues   map[string][]Fault // by target name, key, or "*"
	chances  []chance
	states   map[string]State
	known    map[string]bool // keys handed out, for Strict
	rates    map[string]Rate
	buckets  map[string]*bucket
	rng      *rand.Rand
	invalid  int // 401, 403 and 429 answers given
}

type chance struct {
	match string
	p     float64
	fault Fault
}

// New starts a fake server.
func New(opts Options) *Server {
	s := &Server{
		opts:  opts,
		mux:   http.NewServeMux(),
		done:  make(chan struct{}),
		clock: opts.Clock,
		rng:   rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15)),
	}
	if s.clock == nil {
		s.clock = clock.System
	}
	s.resetLocked()
	for _, e := range endpoints {
		s.mux.HandleFunc(e.pattern, func(w http.ResponseWriter, r *http.Request) { s.handle(e, w, r) })
	}
	s.control()
	s.ts = httptest.NewUnstartedServer(s)
	if opts.Addr != "" {
		ln, err := net.Listen("tcp", opts.Addr)
		if err != nil {
			panic("chatfake: listening on " + opts.Addr + ": " + err.Error())
		}
		s.ts.Listener.Close()
		s.ts.Listener = ln
	}
	s.ts.Start()
	return s
}

// ServeHTTP makes the fake an http.Handler, so it can also be mounted elsewhere.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// URL is the server's base URL, e.g. http://127.0.0.1:41234.
func (s *Server) URL() string { return s.ts.URL }

// Client is an HTTP client that talks to the server.
func (s *Server) Client() *http.Client { return s.ts.Client() }

// Close releases hung requests and shuts the server down.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		s.ts.Close()
	})
}

// Now reads the fake's clock.
func (s *Server) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.clock.Now()
}

// SetClock replaces the clock (the control API's PUT /_fake/clock uses a clock.Fake).
func (s *Server) SetClock(c clock.Clock) {
	s.mu.Lock()
	s.clock = c
	s.mu.Unlock()
}

// Requests returns a copy of every recorded request, oldest first. With match (a target
// name, a URL or a URL path), only those.
func (s *Server) Requests(match ...string) []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Request
	for _, r := range s.requests {
		if len(match) == 0 || slices.ContainsFunc(match, func(m string) bool { return r.Target == m || r.Key == keyOf(m) }) {
			out = append(out, r)
		}
	}
	return out
}

// InvalidAnswers counts the 401, 403 and 429 answers given; Discord bans clients that
// produce too many, so tests can assert a client never loops on them.
func (s *Server) InvalidAnswers() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.invalid
}

// Reset forgets requests, scripts, states and rate windows; options stay.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.resetLocked()
}

func (s *Server) resetLocked() {
	// seq keeps counting across resets, so a request in flight during a reset cannot
	// overwrite a newer record with the same number.
	s.requests, s.invalid = nil, 0
	s.queues = map[string][]Fault{}
	s.chances = nil
	s.states = map[string]State{}
	s.known = map[string]bool{}
	s.buckets = map[string]*bucket{}
	s.rates = map[string]Rate{}
	if s.opts.RateLimit {
		for _, e := range endpoints {
			s.rates[e.target] = e.rate
		}
	}
	for t, r := range s.opts.Rates {
		s.rates[t] = r
	}
}

// SetState sets the state of the destination at key (a URL or URL path). Dead states stick
// until set back to Active or Reset.
func (s *Server) SetState(key string, st State) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := keyOf(key)
	s.states[k] = st
	s.known[k] = true
}

// State returns the state of the destination at key.
func (s *Server) State(key string) State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stateLocked(keyOf(key))
}

func (s *Server) stateLocked(k string) State {
	if st, ok := s.states[k]; ok {
		return st
	}
	if s.opts.Strict && !s.known[k] {
		return Deleted
	}
	return Active
}

// SetRate sets a target's rate limit; the zero Rate turns it off.
func (s *Server) SetRate(target string, r Rate) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rates[target] = r
}

// keyOf turns a URL or a path into the key destinations are known by: the URL path.
func keyOf(s string) string {
	if u, err := url.Parse(s); err == nil && u.Scheme != "" {
		return u.EscapedPath()
	}
	if i := strings.IndexByte(s, '?'); i >= 0 {
		s = s[:i]
	}
	if !strings.HasPrefix(s, "/") {
		s = "/" + s
	}
	return s
}

func isTarget(name string) bool {
	return slices.ContainsFunc(endpoints, func(e endpoint) bool { return e.target == name })
}

// handle runs one request through faults, state, rate limit and the endpoint.
func (s *Server) handle(e endpoint, w http.ResponseWriter, r *http.Request) {
	maxBody := s.opts.MaxBody
	if maxBody <= 0 {
		maxBody = 1 << 20
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	key := r.URL.EscapedPath()
	if e.key != nil {
		key = e.key(r, body)
	}
	x := &exchange{r: r, rec: Request{Target: e.target, Key: key, Method: r.Method, Path: r.URL.EscapedPath(),
		Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: body, Outcome: "answered"}}
	switch {
	case err != nil:
		x.rec.Outcome = "client gone"
		s.finish(x)
		return
	case int64(len(body)) > maxBody:
		x.rec.Problem = "body larger than the fake's MaxBody"
		s.send(w, x, reply(http.StatusRequestEntityTooLarge, "text/plain", "request_too_large"))
		return
	case r.Method != http.MethodPost:
		x.rec.Problem = "method " + r.Method + " not allowed"
		rep := reply(http.StatusMethodNotAllowed, "text/plain", "method_not_allowed")
		rep.Header.Set("Allow", http.MethodPost)
		s.send(w, x, rep)
		return
	}

	if v, err := decodeJSON(body); err == nil {
		x.rec.JSON = v
	}
	s.begin(x)

	f, faulted := s.nextFault(e.target, key)
	if faulted {
		x.rec.Fault = f.label()
		if f.Delay > 0 && !s.wait(r, f.Delay) {
			x.rec.Outcome = "client gone"
			s.finish(x)
			return
		}
		switch {
		case f.Hang:
			s.wait(r, -1)
			x.rec.Outcome = "client gone"
			s.finish(x)
			return
		case f.Reset:
			x.rec.Outcome = "reset"
			s.finish(x)
			resetConn(w)
			return
		case f.State != "":
			s.SetState(key, f.State)
		case f.Status != 0:
			rep := f.reply()
			if f.TruncateAt > 0 && f.TruncateAt < len(rep.Body) {
				x.rec.Response, x.rec.Outcome = rep, "truncated"
				s.finish(x)
				truncate(w, rep, f.TruncateAt)
				return
			}
			s.send(w, x, rep)
			return
		}
	}

	s.mu.Lock()
	st := s.stateLocked(key)
	var wait time.Duration
	if rt := s.rates[e.target]; st == Active && rt.on() {
		b := s.buckets[e.target+" "+key]
		if b == nil {
			b = &bucket{}
			s.buckets[e.target+" "+key] = b
		}
		wait = b.take(rt, s.clock.Now())
	}
	s.mu.Unlock()
	switch {
	case st != Active:
		x.rec.Problem = "destination " + string(st)
		s.send(w, x, e.dead(st))
	case wait > 0:
		x.rec.Problem = "rate limited"
		s.send(w, x, e.limited(wait))
	default:
		s.send(w, x, e.serve(s, x))
	}
}

// wait blocks for d (forever if d < 0) or until the client leaves or the server closes; it
// reports whether the time ran out with the client still there.
func (s *Server) wait(r *http.Request, d time.Duration) bool {
	var timeout <-chan time.Time
	if d >= 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case <-timeout:
		return true
	case <-r.Context().Done():
	case <-s.done:
	}
	return false
}

func (s *Server) send(w http.ResponseWriter, x *exchange, rep Reply) {
	x.rec.Response = rep
	s.finish(x)
	for k, vs := range rep.Header {
		w.Header()[k] = vs
	}
	w.WriteHeader(rep.Status)
	_, _ = w.Write(rep.Body)
}

// begin records the request as it arrives, outcome pending, so that a request the client gave
// up on is in the record by the time the client knows it gave up.
func (s *Server) begin(x *exchange) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	x.rec.Seq = s.seq
	x.rec.Time = s.clock.Now()
	pending := x.rec
	pending.Outcome = "pending"
	s.requests = append(s.requests, pending)
}

// finish records the exchange's end, replacing the pending record.
func (s *Server) finish(x *exchange) {
	s.mu.Lock()
	if x.rec.Seq == 0 {
		s.seq++
		x.rec.Seq = s.seq
		x.rec.Time = s.clock.Now()
		s.requests = append(s.requests, x.rec)
	} else if i := slices.IndexFunc(s.requests, func(r Request) bool { return r.Seq == x.rec.Seq }); i >= 0 {
		s.requests[i] = x.rec
	}
	switch x.rec.Response.Status {
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusTooManyRequests:
		s.invalid++
	}
	hook := s.opts.OnRequest
	s.mu.Unlock()
	if hook != nil {
		hook(x.rec)
	}
}

// resetConn closes the connection with a TCP reset after the request was read: the client
// cannot know whether the post happened.
func resetConn(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	type netConner interface{ NetConn() net.Conn }
	c := conn
	if nc, ok := c.(netConner); ok {
		c = nc.NetConn()
	}
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0) // close sends RST instead of FIN
	}
	_ = conn.Close()
}

// truncate sends the status line and headers announcing the whole body, then n bytes of it,
// then closes the connection.
func truncate(w http.ResponseWriter, rep Reply, n int) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	h := rep.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	h.Del("Content-Length")
	var b bytes.Buffer
	b.WriteString("HTTP/1.1 " + strconv.Itoa(rep.Status) + " " + http.StatusText(rep.Status) + "\r\n")
	_ = h.Write(&b)
	b.WriteString("Content-Length: " + strconv.Itoa(len(rep.Body)) + "\r\nConnection: close\r\n\r\n")
	b.Write(rep.Body[:n])
	_, _ = buf.Write(b.Bytes())
	_ = buf.Flush()
}

// notJSON reports whether the request's Content-Type is other than application/json, and
// records why in its Problem when it is.
func (x *exchange) notJSON() bool {
	mt, _, _ := mime.ParseMediaType(x.r.Header.Get("Content-Type"))
	if mt == "application/json" {
		return false
	}
	x.rec.Problem = "Content-Type " + strconv.Quote(mt) + " is not application/json"
	return true
}

// decodeMessage reads a message body as every service does first: valid UTF-8 holding one
// JSON value. problem says what is wrong when it is not.
func decodeMessage(body []byte) (v any, problem string) {
	if !utf8.Valid(body) {
		return nil, "body is not valid UTF-8"
	}
	v, err := decodeJSON(body)
	if err != nil {
		return nil, "body is not JSON: " + err.Error()
	}
	return v, ""
}

// decodeObject is decodeMessage for services that take only a JSON object.
func decodeObject(body []byte) (msg map[string]any, problem string) {
	v, problem := decodeMessage(body)
	if problem != "" {
		return nil, problem
	}
	msg, ok := v.(map[string]any)
	if !ok {
		return nil, "body is not a JSON object"
	}
	return msg, ""
}

// decodeJSON decodes one JSON value and nothing after it.
func decodeJSON(body []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the JSON value")
	}
	return v, nil
}

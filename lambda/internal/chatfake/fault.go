package chatfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Fault is one scripted misbehaviour, consumed by one request (or every request, if Sticky).
// Its parts combine in this order: wait Delay; then Hang, Reset, State, or answer
// Status/Header/Body (cut after TruncateAt bytes). A fault with only a Delay lets the request
// go on to its normal answer, late.
type Fault struct {
	Name   string            `json:"name,omitempty"` // shown in the request record; default derived
	Status int               `json:"status,omitempty"`
	Header map[string]string `json:"header,omitempty"`
	Body   string            `json:"body,omitempty"`
	// Delay holds the answer back (on the real clock); longer than the client's timeout, the
	// client gives up first.
	Delay time.Duration `json:"-"`
	// Hang accepts the request and never answers, until the client leaves.
	Hang bool `json:"hang,omitempty"`
	// Reset reads the request, then closes the connection with a TCP reset.
	Reset bool `json:"reset,omitempty"`
	// TruncateAt, with Status, announces the whole Body but sends only its first bytes.
	TruncateAt int `json:"truncate_at,omitempty"`
	// State kills (or revives) the destination, which then answers as such from this request on.
	State State `json:"state,omitempty"`
	// Sticky faults are not consumed: every later request gets them too.
	Sticky bool `json:"sticky,omitempty"`
}

// faultJSON is Fault on the control API, with the delay as a Go duration string ("2s").
type faultJSON struct {
	Delay string `json:"delay,omitempty"`
	*faultAlias
}

type faultAlias Fault

func (f Fault) MarshalJSON() ([]byte, error) {
	var d string
	if f.Delay > 0 {
		d = f.Delay.String()
	}
	return json.Marshal(faultJSON{Delay: d, faultAlias: (*faultAlias)(&f)})
}

func (f *Fault) UnmarshalJSON(b []byte) error {
	v := faultJSON{faultAlias: (*faultAlias)(f)}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	if v.Delay != "" {
		d, err := time.ParseDuration(v.Delay)
		if err != nil {
			return fmt.Errorf("fault delay: %w", err)
		}
		f.Delay = d
	}
	if f.State != "" && !f.State.valid() {
		return fmt.Errorf("fault state %q: want active, revoked, archived or deleted", f.State)
	}
	return nil
}

func (f Fault) label() string {
	if f.Name != "" {
		return f.Name
	}
	var parts []string
	if f.Delay > 0 {
		parts = append(parts, "delay "+f.Delay.String())
	}
	switch {
	case f.Hang:
		parts = append(parts, "hang")
	case f.Reset:
		parts = append(parts, "reset")
	case f.State != "":
		parts = append(parts, "state "+string(f.State))
	case f.Status != 0:
		p := "status " + strconv.Itoa(f.Status)
		if f.TruncateAt > 0 {
			p += " truncated at " + strconv.Itoa(f.TruncateAt)
		}
		parts = append(parts, p)
	}
	if f.Sticky {
		parts = append(parts, "sticky")
	}
	return strings.Join(parts, ", ")
}

func (f Fault) reply() Reply {
	h := http.Header{}
	if f.Body != "" {
		h.Set("Content-Type", sniff(f.Body))
	}
	for k, v := range f.Header {
		h.Set(k, v)
	}
	return Reply{Status: f.Status, Header: h, Body: []byte(f.Body)}
}

func sniff(body string) string {
	switch b := strings.TrimSpace(body); {
	case strings.HasPrefix(b, "<"):
		return "text/html; charset=utf-8"
	case strings.HasPrefix(b, "{"), strings.HasPrefix(b, "["):
		return "application/json; charset=utf-8"
	}
	return "text/plain; charset=utf-8"
}

// Answer is any status with any body (Content-Type guessed from the body).
func Answer(status int, body string) Fault { return Fault{Status: status, Body: body} }

// HTMLError is a 5xx with an HTML page, as proxies and Slack itself sometimes send.
func HTMLError(status int) Fault {
	return Fault{Status: status, Body: "<html><head><title>" + strconv.Itoa(status) + " " + http.StatusText(status) +
		"</title></head><body><h1>" + http.StatusText(status) + "</h1></body></html>"}
}

// Empty is a status with no body at all, e.g. a 502 from a load balancer.
func Empty(status int) Fault { return Fault{Status: status} }

// RateLimited is a 429 with a JSON body and the Retry-After header set to retryAfter verbatim:
// "2", "0", "3600", an HTTP-date, or "" to leave the header out.
func RateLimited(retryAfter string) Fault {
	f := Fault{Name: "429 retry-after " + strconv.Quote(retryAfter), Status: http.StatusTooManyRequests,
		Body: `{"ok":false,"error":"ratelimited"}`}
	if retryAfter != "" {
		f.Header = map[string]string{"Retry-After": retryAfter}
	}
	return f
}

// RateLimitedUntil is a 429 whose Retry-After is an HTTP-date.
func RateLimitedUntil(t time.Time) Fault { return RateLimited(t.UTC().Format(http.TimeFormat)) }

// Slow holds the normal answer back for d.
func Slow(d time.Duration) Fault { return Fault{Delay: d} }

// Hang accepts the request and never answers.
func Hang() Fault { return Fault{Hang: true} }

// ResetConn reads the request and resets the connection: the post may or may not have happened.
func ResetConn() Fault { return Fault{Reset: true} }

// Truncated announces body whole and sends only its first n bytes before closing.
func Truncated(status int, body string, n int) Fault {
	return Fault{Status: status, Body: body, TruncateAt: n}
}

// NotOK is a 200 whose body is not Slack's "ok": success by status, not by content.
func NotOK(body string) Fault { return Fault{Name: "200 not ok", Status: http.StatusOK, Body: body} }

// Dies kills the destination, which answers as dead from this request on.
func Dies(st State) Fault { return Fault{State: st} }

// Forever makes the fault sticky: never consumed.
func (f Fault) Forever() Fault { f.Sticky = true; return f }

// Script queues faults for match, consumed one per request in order. match is a target name
// (TargetSlackWebhook), a destination (a URL or URL path), or "*" for every request. A request
// takes from its destination's queue first, then its target's, then "*".
func (s *Server) Script(match string, faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := matchKey(match)
	s.queues[m] = append(s.queues[m], faults...)
}

// ScriptChance gives every request for match the fault with probability p (seeded by
// Options.Seed), after the queued faults.
func (s *Server) ScriptChance(match string, p float64, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chances = append(s.chances, chance{match: matchKey(match), p: p, fault: f})
}

// Pending is how many queued faults for match are left (sticky ones included).
func (s *Server) Pending(match string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queues[matchKey(match)])
}

func matchKey(match string) string {
	if match == "*" || isTarget(match) {
		return match
	}
	return keyOf(match)
}

func (s *Server) nextFault(target, key string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range []string{key, target, "*"} {
		q := s.queues[m]
		if len(q) == 0 {
			continue
		}
		f := q[0]
		if !f.Sticky {
			s.queues[m] = q[1:]
		}
		return f, true
	}
	for _, c := range s.chances {
		if (c.match == key || c.match == target || c.match == "*") && s.rng.Float64() < c.p {
			return c.fault, true
		}
	}
	return Fault{}, false
}

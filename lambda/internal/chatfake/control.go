package chatfake

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/foghornhq/foghorn/lambda/clock"
)

// The control API, for driving the fake from outside the process (the demo, a shell):
//
//	GET  /_fake/requests[?target=&key=]  every recorded request, oldest first
//	POST /_fake/script                   {"match": "...", "faults": [Fault...], "chance": p}
//	POST /_fake/reset                    forget requests, scripts, states, rate windows
//	PUT  /_fake/webhooks/{key...}        {"state": "active|revoked|archived|deleted"}
//	GET  /_fake/clock                    {"now": RFC 3339}
//	PUT  /_fake/clock                    {"now": RFC 3339} and/or {"advance": "5s"}; switches to a fake clock
//	PUT  /_fake/rates/{target}           {"per_second": 1, "burst": 3}; zero turns it off
//	GET  /_fake/stats                    {"requests": n, "invalid_answers": n}
//
// A fault in JSON is Fault's fields, with "delay" as a Go duration: {"status": 500,
// "body": "<html>…", "delay": "2s", "hang": true, "reset": true, "truncate_at": 10,
// "state": "archived", "sticky": true, "header": {"Retry-After": "3"}}.
func (s *Server) control() {
	s.mux.HandleFunc("GET /_fake/requests", func(w http.ResponseWriter, r *http.Request) {
		var match []string
		for _, p := range []string{"target", "key"} {
			if v := r.URL.Query().Get(p); v != "" {
				match = append(match, v)
			}
		}
		out := []requestJSON{}
		for _, rec := range s.Requests(match...) {
			out = append(out, wireRequest(rec))
		}
		writeJSON(w, http.StatusOK, out)
	})
	s.mux.HandleFunc("POST /_fake/script", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Match  string  `json:"match"`
			Faults []Fault `json:"faults"`
			Chance float64 `json:"chance"`
		}
		if !readJSON(w, r, &in) {
			return
		}
		if in.Match == "" {
			in.Match = "*"
		}
		if in.Chance > 0 {
			for _, f := range in.Faults {
				s.ScriptChance(in.Match, in.Chance, f)
			}
		} else {
			s.Script(in.Match, in.Faults...)
		}
		writeJSON(w, http.StatusOK, map[string]int{"pending": s.Pending(in.Match)})
	})
	s.mux.HandleFunc("POST /_fake/reset", func(w http.ResponseWriter, r *http.Request) {
		s.Reset()
		w.WriteHeader(http.StatusNoContent)
	})
	s.mux.HandleFunc("PUT /_fake/webhooks/{key...}", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<10))
		st := State(strings.Trim(strings.TrimSpace(string(body)), `"`))
		var in struct {
			State State `json:"state"`
		}
		if json.Unmarshal(body, &in) == nil && in.State != "" {
			st = in.State
		}
		if !st.valid() {
			http.Error(w, "state must be active, revoked, archived or deleted", http.StatusBadRequest)
			return
		}
		s.SetState("/"+r.PathValue("key"), st)
		writeJSON(w, http.StatusOK, map[string]State{"state": st})
	})
	s.mux.HandleFunc("GET /_fake/clock", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]time.Time{"now": s.Now()})
	})
	s.mux.HandleFunc("PUT /_fake/clock", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Now     time.Time `json:"now"`
			Advance string    `json:"advance"`
		}
		if !readJSON(w, r, &in) {
			return
		}
		var adv time.Duration
		if in.Advance != "" {
			d, err := time.ParseDuration(in.Advance)
			if err != nil {
				http.Error(w, "advance: "+err.Error(), http.StatusBadRequest)
				return
			}
			adv = d
		}
		s.mu.Lock()
		fc, ok := s.clock.(*clock.Fake)
		if !ok {
			fc = clock.NewFake(s.clock.Now())
			s.clock = fc
		}
		s.mu.Unlock()
		if !in.Now.IsZero() {
			fc.Set(in.Now)
		}
		fc.Advance(adv)
		writeJSON(w, http.StatusOK, map[string]time.Time{"now": fc.Now()})
	})
	s.mux.HandleFunc("PUT /_fake/rates/{target}", func(w http.ResponseWriter, r *http.Request) {
		var in Rate
		if !readJSON(w, r, &in) {
			return
		}
		s.SetRate(r.PathValue("target"), in)
		writeJSON(w, http.StatusOK, in)
	})
	s.mux.HandleFunc("GET /_fake/stats", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]int{"requests": len(s.Requests()), "invalid_answers": s.InvalidAnswers()})
	})
}

// requestJSON is Request on the wire, bodies as text.
type requestJSON struct {
	Request
	Body     string    `json:"body"`
	Response replyJSON `json:"response"`
}

type replyJSON struct {
	Reply
	Body string `json:"body"`
}

func wireRequest(r Request) requestJSON {
	return requestJSON{Request: r, Body: string(r.Body), Response: replyJSON{Reply: r.Response, Body: string(r.Response.Body)}}
}

func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(v); err != nil {
		http.Error(w, "bad JSON: "+err.Error(), http.StatusBadRequest)
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

package chatfake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/clock"
)

var epoch = time.Date(2026, 8, 30, 12, 0, 0, 0, time.UTC)

func newFake(t *testing.T, opts Options) (*Server, *clock.Fake) {
	t.Helper()
	clk := clock.NewFake(epoch)
	if opts.Clock == nil {
		opts.Clock = clk
	}
	s := New(opts)
	t.Cleanup(s.Close)
	return s, clk
}

func post(t *testing.T, url, contentType, body string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Post(url, contentType, strings.NewReader(body))
	if err != nil {
		t.Fatalf("POST: %v", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading the answer: %v", err)
	}
	return resp, string(b)
}

func postJSON(t *testing.T, url, body string) (int, string) {
	t.Helper()
	resp, b := post(t, url, "application/json", body)
	return resp.StatusCode, b
}

// blocksMsg wraps blocks in a message, as top-level blocks and inside an attachment.
func blocksMsg(blocks ...string) []string {
	list := "[" + strings.Join(blocks, ",") + "]"
	return []string{
		`{"text":"t","blocks":` + list + `}`,
		`{"text":"t","attachments":[{"color":"#D40E0D","blocks":` + list + `}]}`,
	}
}

func txt(typ string, n int) string {
	return fmt.Sprintf(`{"type":%q,"text":%q}`, typ, strings.Repeat("é", n))
}

func button(label int, url string, extra string) string {
	return fmt.Sprintf(`{"type":"button","text":%s,"url":%q%s}`, txt("plain_text", label), url, extra)
}

func repeatJoin(s string, n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = s
	}
	return strings.Join(parts, ",")
}

func TestSlackWebhookValidation(t *testing.T) {
	s, _ := newFake(t, Options{})
	hook := s.SlackWebhookURL("validation")
	type tc struct {
		name string
		body string
		code string // "" means accepted
	}
	cases := []tc{
		{"text only", `{"text":"hello"}`, ""},
		{"bad json", `{"text":`, "invalid_payload"},
		{"trailing data", `{"text":"a"} {}`, "invalid_payload"},
		{"not an object", `["text"]`, "invalid_payload"},
		{"invalid utf-8", "{\"text\":\"\xff\"}", "invalid_payload"},
		{"text not a string", `{"text":5}`, "invalid_payload"},
		{"nothing to show", `{}`, "no_text"},
		{"empty text", `{"text":""}`, "no_text"},
		{"empty lists", `{"blocks":[],"attachments":[]}`, "no_text"},
		{"attachment only", `{"attachments":[{"color":"good","text":"x"}]}`, ""},
		{"101 attachments", `{"text":"t","attachments":[` + repeatJoin(`{"text":"x"}`, 101) + `]}`, "too_many_attachments"},
	}
	for _, blk := range []struct {
		name  string
		block string
		code  string
	}{
		{"header at 150", `{"type":"header","text":` + txt("plain_text", 150) + `}`, ""},
		{"header at 151", `{"type":"header","text":` + txt("plain_text", 151) + `}`, "invalid_blocks"},
		{"header in mrkdwn", `{"type":"header","text":` + txt("mrkdwn", 5) + `}`, "invalid_blocks"},
		{"section at 3000", `{"type":"section","text":` + txt("mrkdwn", 3000) + `}`, ""},
		{"section at 3001", `{"type":"section","text":` + txt("mrkdwn", 3001) + `}`, "invalid_blocks"},
		{"section empty text", `{"type":"section","text":` + txt("mrkdwn", 0) + `}`, "invalid_blocks"},
		{"section with nothing", `{"type":"section"}`, "invalid_blocks"},
		{"section text type", `{"type":"section","text":` + txt("markdown", 3) + `}`, "invalid_blocks"},
		{"10 fields at 2000", `{"type":"section","fields":[` + repeatJoin(txt("mrkdwn", 2000), 10) + `]}`, ""},
		{"11 fields", `{"type":"section","fields":[` + repeatJoin(txt("mrkdwn", 1), 11) + `]}`, "invalid_blocks"},
		{"field at 2001", `{"type":"section","fields":[` + txt("mrkdwn", 2001) + `]}`, "invalid_blocks"},
		{"emoji on mrkdwn", `{"type":"section","text":{"type":"mrkdwn","text":"x","emoji":true}}`, "invalid_blocks"},
		{"verbatim on plain_text", `{"type":"section","text":{"type":"plain_text","text":"x","verbatim":true}}`, "invalid_blocks"},
		{"block_id at 255", `{"type":"divider","block_id":"` + strings.Repeat("b", 255) + `"}`, ""},
		{"block_id at 256", `{"type":"divider","block_id":"` + strings.Repeat("b", 256) + `"}`, "invalid_blocks"},
		{"unknown block", `{"type":"marquee"}`, "invalid_blocks"},
		{"no type", `{"text":"x"}`, "invalid_blocks"},
		{"context of 10", `{"type":"context","elements":[` + repeatJoin(txt("mrkdwn", 3), 10) + `]}`, ""},
		{"context of 11", `{"type":"context","elements":[` + repeatJoin(txt("mrkdwn", 3), 11) + `]}`, "invalid_blocks"},
		{"context of nothing", `{"type":"context","elements":[]}`, "invalid_blocks"},
		{"actions of 25", `{"type":"actions","elements":[` + repeatJoin(button(5, "https://a.example", ""), 25) + `]}`, ""},
		{"actions of 26", `{"type":"actions","elements":[` + repeatJoin(button(5, "https://a.example", ""), 26) + `]}`, "invalid_blocks"},
		{"button label 75", `{"type":"actions","elements":[` + button(75, "https://a.example", "") + `]}`, ""},
		{"button label 76", `{"type":"actions","elements":[` + button(76, "https://a.example", "") + `]}`, "invalid_blocks"},
		{"button url 3001", `{"type":"actions","elements":[` + button(5, "https://a.example/"+strings.Repeat("p", 2983), "") + `]}`, "invalid_blocks"},
		{"button url not a url", `{"type":"actions","elements":[` + button(5, "not a url", "") + `]}`, "invalid_blocks"},
		{"button style", `{"type":"actions","elements":[` + button(5, "https://a.example", `,"style":"loud"`) + `]}`, "invalid_blocks"},
		{"duplicate action_id", `{"type":"actions","elements":[` + repeatJoin(button(5, "https://a.example", `,"action_id":"a"`), 2) + `]}`, "invalid_blocks"},
		{"unknown element", `{"type":"actions","elements":[{"type":"slider"}]}`, "invalid_blocks"},
		{"image without alt", `{"type":"image","image_url":"https://a.example/i.png"}`, "invalid_blocks"},
	} {
		for i, body := range blocksMsg(blk.block) {
			cases = append(cases, tc{fmt.Sprintf("%s (%d)", blk.name, i), body, blk.code})
		}
	}
	cases = append(cases,
		tc{"50 blocks", blocksMsg(repeatJoin(`{"type":"divider"}`, 50))[0], ""},
		tc{"51 blocks", blocksMsg(repeatJoin(`{"type":"divider"}`, 51))[0], "invalid_blocks"},
		tc{"51 blocks in an attachment", blocksMsg(repeatJoin(`{"type":"divider"}`, 51))[1], "invalid_blocks"},
	)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, body := post(t, hook, "application/json", c.body)
			if c.code == "" {
				if resp.StatusCode != 200 || body != "ok" || resp.Header.Get("Content-Type") != "text/html" {
					reqs := s.Requests()
					t.Fatalf("%d %q %q, want 200 ok text/html (problem: %s)", resp.StatusCode, body,
						resp.Header.Get("Content-Type"), reqs[len(reqs)-1].Problem)
				}
				return
			}
			if resp.StatusCode != 400 || body != c.code {
				t.Fatalf("%d %q, want 400 %q", resp.StatusCode, body, c.code)
			}
			reqs := s.Requests()
			if reqs[len(reqs)-1].Problem == "" {
				t.Error("no problem recorded")
			}
		})
	}
}

func TestSlackWebhookLongTextIsTruncatedNotRejected(t *testing.T) {
	s, _ := newFake(t, Options{})
	status, body := postJSON(t, s.SlackWebhookURL("long"), `{"text":"`+strings.Repeat("é", 40001)+`"}`)
	if status != 200 || body != "ok" {
		t.Fatalf("%d %q", status, body)
	}
	r := s.Requests()[0]
	if !r.Truncated {
		t.Error("not flagged truncated")
	}
	if got := len([]rune(r.JSON.(map[string]any)["text"].(string))); got != 40000 {
		t.Errorf("stored %d runes, want 40000", got)
	}
}

func TestSlackWebhookEncodings(t *testing.T) {
	s, _ := newFake(t, Options{})
	hook := s.SlackWebhookURL("enc")
	form := url.Values{"payload": {`{"text":"from a form"}`}}.Encode()
	if resp, body := post(t, hook, "application/x-www-form-urlencoded", form); resp.StatusCode != 200 || body != "ok" {
		t.Errorf("form: %d %q", resp.StatusCode, body)
	}
	if resp, body := post(t, hook, "text/plain", `{"text":"x"}`); resp.StatusCode != 400 || body != "invalid_payload" {
		t.Errorf("text/plain: %d %q", resp.StatusCode, body)
	}
	resp, err := http.Get(hook)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 || resp.Header.Get("Allow") != "POST" {
		t.Errorf("GET: %d, Allow %q", resp.StatusCode, resp.Header.Get("Allow"))
	}
}

func TestRecordsRequests(t *testing.T) {
	var mu sync.Mutex
	var seen []Request
	s, clock := newFake(t, Options{OnRequest: func(r Request) { mu.Lock(); seen = append(seen, r); mu.Unlock() }})
	hook := s.SlackWebhookURL("rec")
	clock.Advance(time.Minute)
	req, _ := http.NewRequest(http.MethodPost, hook+"?q=1", strings.NewReader(`{"text":"hello"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "foghorn-test")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	reqs := s.Requests(TargetSlackWebhook)
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	r := reqs[0]
	if r.Target != TargetSlackWebhook || r.Key != "/services/TFAKE/BFAKE/rec" || r.Method != "POST" || r.Query != "q=1" ||
		r.Header.Get("User-Agent") != "foghorn-test" || string(r.Body) != `{"text":"hello"}` ||
		r.JSON.(map[string]any)["text"] != "hello" || !r.Time.Equal(epoch.Add(time.Minute)) ||
		r.Response.Status != 200 || string(r.Response.Body) != "ok" || r.Outcome != "answered" || r.Seq != 1 {
		t.Errorf("recorded %+v", r)
	}
	if len(s.Requests(hook)) != 1 || len(s.Requests("/services/TFAKE/BFAKE/other")) != 0 {
		t.Error("filtering by destination")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 1 || seen[0].Seq != 1 {
		t.Errorf("OnRequest saw %+v", seen)
	}
}

func TestDeadWebhooks(t *testing.T) {
	s, _ := newFake(t, Options{})
	hook := s.SlackWebhookURL("dead")
	for _, tc := range []struct {
		st     State
		status int
		code   string
	}{
		{Revoked, 403, "invalid_token"},
		{Archived, 410, "channel_is_archived"},
		{Deleted, 404, "no_service"},
		{Active, 200, "ok"},
	} {
		s.SetState(hook, tc.st)
		for range 2 { // sticky
			if status, body := postJSON(t, hook, `{"text":"x"}`); status != tc.status || body != tc.code {
				t.Errorf("%s: %d %q, want %d %q", tc.st, status, body, tc.status, tc.code)
			}
		}
	}
	if s.InvalidAnswers() != 2 {
		t.Errorf("%d invalid answers counted, want 2 (the 403s)", s.InvalidAnswers())
	}
}

func TestStrictKnowsOnlyItsWebhooks(t *testing.T) {
	s, _ := newFake(t, Options{Strict: true})
	if status, body := postJSON(t, s.URL()+"/services/TFAKE/BFAKE/never-made", `{"text":"x"}`); status != 404 || body != "no_service" {
		t.Errorf("unknown webhook: %d %q", status, body)
	}
	if status, _ := postJSON(t, s.SlackWebhookURL("made"), `{"text":"x"}`); status != 200 {
		t.Errorf("known webhook: %d", status)
	}
}

func TestRateLimit(t *testing.T) {
	s, clock := newFake(t, Options{RateLimit: true})
	hook := s.SlackWebhookURL("rl")
	other := s.SlackWebhookURL("rl-other")
	for i := range 3 {
		if status, _ := postJSON(t, hook, `{"text":"x"}`); status != 200 {
			t.Fatalf("burst request %d: %d", i, status)
		}
	}
	resp, body := post(t, hook, "application/json", `{"text":"x"}`)
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "1" || !json.Valid([]byte(body)) {
		t.Fatalf("over the burst: %d, Retry-After %q, body %q", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	if status, _ := postJSON(t, other, `{"text":"x"}`); status != 200 {
		t.Errorf("another webhook shares the bucket: %d", status)
	}
	clock.Advance(time.Second)
	if status, _ := postJSON(t, hook, `{"text":"x"}`); status != 200 {
		t.Errorf("after a second: %d", status)
	}
	if status, _ := postJSON(t, hook, `{"text":"x"}`); status != 429 {
		t.Errorf("a token a second: %d", status)
	}
	s.SetRate(TargetSlackWebhook, Rate{})
	if status, _ := postJSON(t, hook, `{"text":"x"}`); status != 200 {
		t.Errorf("rate limit off: %d", status)
	}
}

func TestRateLimitOffByDefault(t *testing.T) {
	s, _ := newFake(t, Options{})
	hook := s.SlackWebhookURL("free")
	for i := range 20 {
		if status, _ := postJSON(t, hook, `{"text":"x"}`); status != 200 {
			t.Fatalf("request %d: %d", i, status)
		}
	}
}

func TestFaults(t *testing.T) {
	s, _ := newFake(t, Options{})
	hook := s.SlackWebhookURL("faults")
	s.Script(hook,
		HTMLError(500),
		Empty(502),
		RateLimited("2"),
		RateLimited(""),
		RateLimitedUntil(epoch.Add(time.Hour)),
		NotOK("invalid_payload"),
		Answer(418, "teapot"),
	)
	for _, want := range []struct {
		status     int
		ctype      string
		retryAfter string
		body       string
	}{
		{500, "text/html; charset=utf-8", "", "<html>"},
		{502, "", "", ""},
		{429, "application/json; charset=utf-8", "2", `{"ok":false`},
		{429, "application/json; charset=utf-8", "", `{"ok":false`},
		{429, "application/json; charset=utf-8", "Sun, 30 Aug 2026 13:00:00 GMT", `{"ok":false`},
		{200, "text/plain; charset=utf-8", "", "invalid_payload"},
		{418, "text/plain; charset=utf-8", "", "teapot"},
		{200, "text/html", "", "ok"}, // the script is used up
	} {
		resp, body := post(t, hook, "application/json", `{"text":"x"}`)
		if resp.StatusCode != want.status || resp.Header.Get("Content-Type") != want.ctype ||
			resp.Header.Get("Retry-After") != want.retryAfter || !strings.HasPrefix(body, want.body) {
			t.Errorf("got %d %q Retry-After %q %q, want %+v", resp.StatusCode, resp.Header.Get("Content-Type"),
				resp.Header.Get("Retry-After"), body, want)
		}
	}
	if s.Pending(hook) != 0 {
		t.Errorf("%d faults left", s.Pending(hook))
	}
	if r := s.Requests()[0]; r.Fault != "status 500" || r.Response.Status != 500 {
		t.Errorf("recorded fault %q", r.Fault)
	}
}

func TestConnectionFaults(t *testing.T) {
	s, _ := newFake(t, Options{})
	hook := s.SlackWebhookURL("conn")
	client := &http.Client{Timeout: time.Second, Transport: &http.Transport{}}
	s.Script(hook, ResetConn(), Truncated(200, `{"ok":true}`, 4), Hang(), Slow(time.Minute))
	for _, what := range []string{"reset", "truncated", "hang", "slow"} {
		resp, err := client.Post(hook, "application/json", strings.NewReader(`{"text":"x"}`))
		if err == nil {
			_, err = io.ReadAll(resp.Body)
			resp.Body.Close()
		}
		if err == nil {
			t.Errorf("%s: no error", what)
		}
	}
	outcomes := []string{}
	for _, r := range s.Requests() {
		outcomes = append(outcomes, r.Outcome)
	}
	// Hang and slow end when the server sees the client leave, which may come a little later.
	if got := strings.Join(outcomes[:2], ","); got != "reset,truncated" {
		t.Errorf("outcomes %v", outcomes)
	}
	if len(outcomes) != 4 {
		t.Errorf("%d requests recorded, want 4", len(outcomes))
	}
}

func TestScriptPrecedenceAndStickiness(t *testing.T) {
	s, _ := newFake(t, Options{})
	a := s.SlackWebhookURL("a")
	b := s.SlackWebhookURL("b")
	s.Script("*", Answer(503, "any"))
	s.Script(TargetSlackWebhook, Answer(502, "target"))
	s.Script(a, Answer(501, "dest"), Answer(500, "stuck").Forever())
	for _, want := range []struct {
		url    string
		status int
	}{{a, 501}, {a, 500}, {b, 502}, {b, 503}, {b, 200}, {a, 500}, {a, 500}} {
		if status, _ := postJSON(t, want.url, `{"text":"x"}`); status != want.status {
			t.Errorf("%s: %d, want %d", want.url, status, want.status)
		}
	}
	if s.Pending(a) != 1 {
		t.Errorf("sticky fault consumed")
	}
	s.Reset()
	if status, _ := postJSON(t, a, `{"text":"x"}`); status != 200 {
		t.Errorf("after reset: %d", status)
	}
}

func TestScriptChance(t *testing.T) {
	s, _ := newFake(t, Options{Seed: 1})
	hook := s.SlackWebhookURL("chance")
	s.ScriptChance(hook, 0, Empty(500))
	s.ScriptChance(TargetSlackWebhook, 1, Empty(503))
	if status, _ := postJSON(t, hook, `{"text":"x"}`); status != 503 {
		t.Errorf("got %d, want 503 from the p=1 rule", status)
	}
}

func TestDiesThenStaysDead(t *testing.T) {
	s, _ := newFake(t, Options{})
	hook := s.SlackWebhookURL("dies")
	s.Script(hook, Dies(Archived))
	for range 3 {
		if status, body := postJSON(t, hook, `{"text":"x"}`); status != 410 || body != "channel_is_archived" {
			t.Errorf("%d %q", status, body)
		}
	}
	if s.State(hook) != Archived {
		t.Errorf("state %s", s.State(hook))
	}
}

func control(t *testing.T, method, url, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestControlAPI(t *testing.T) {
	s := New(Options{}) // the real clock, to see PUT /_fake/clock switch to a fake one
	defer s.Close()
	hook := s.SlackWebhookURL("ctl")
	path := "/services/TFAKE/BFAKE/ctl"

	if st, body := control(t, "POST", s.URL()+"/_fake/script",
		`{"match":"`+path+`","faults":[{"status":503,"body":"down","delay":"1ms"},{"status":429,"header":{"Retry-After":"3"}}]}`); st != 200 || !strings.Contains(body, `"pending": 2`) {
		t.Fatalf("script: %d %s", st, body)
	}
	if st, _ := postJSON(t, hook, `{"text":"x"}`); st != 503 {
		t.Errorf("first scripted answer %d", st)
	}
	resp, _ := post(t, hook, "application/json", `{"text":"x"}`)
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "3" {
		t.Errorf("second scripted answer %d %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if st, body := control(t, "POST", s.URL()+"/_fake/script", `{"faults":[{"delay":"soon"}]}`); st != 400 {
		t.Errorf("bad delay accepted: %d %s", st, body)
	}

	if st, _ := control(t, "PUT", s.URL()+"/_fake/webhooks"+path, `{"state":"revoked"}`); st != 200 {
		t.Errorf("set state: %d", st)
	}
	if st, body := postJSON(t, hook, `{"text":"x"}`); st != 403 || body != "invalid_token" {
		t.Errorf("revoked: %d %q", st, body)
	}
	if st, _ := control(t, "PUT", s.URL()+"/_fake/webhooks"+path, `zombie`); st != 400 {
		t.Errorf("bad state accepted: %d", st)
	}
	if st, _ := control(t, "PUT", s.URL()+"/_fake/webhooks"+path, `active`); st != 200 {
		t.Errorf("plain state: %d", st)
	}

	if st, body := control(t, "PUT", s.URL()+"/_fake/clock", `{"now":"2026-08-30T12:00:00Z","advance":"90s"}`); st != 200 || !strings.Contains(body, "2026-08-30T12:01:30Z") {
		t.Errorf("clock: %d %s", st, body)
	}
	if !s.Now().Equal(epoch.Add(90 * time.Second)) {
		t.Errorf("clock now %v", s.Now())
	}
	if st, _ := control(t, "PUT", s.URL()+"/_fake/rates/"+TargetSlackWebhook, `{"per_second":1,"burst":1}`); st != 200 {
		t.Errorf("rates: %d", st)
	}
	postJSON(t, hook, `{"text":"x"}`)
	if st, _ := postJSON(t, hook, `{"text":"x"}`); st != 429 {
		t.Errorf("rate set through the API not applied: %d", st)
	}

	st, body := control(t, "GET", s.URL()+"/_fake/requests?target="+TargetSlackWebhook, "")
	var reqs []struct {
		Seq      int            `json:"seq"`
		Body     string         `json:"body"`
		JSON     map[string]any `json:"json"`
		Response struct {
			Status int    `json:"status"`
			Body   string `json:"body"`
		} `json:"response"`
	}
	if err := json.Unmarshal([]byte(body), &reqs); st != 200 || err != nil {
		t.Fatalf("requests: %d %v %s", st, err, body)
	}
	if len(reqs) != 5 || reqs[0].Body != `{"text":"x"}` || reqs[0].JSON["text"] != "x" || reqs[0].Response.Body != "down" || reqs[2].Response.Body != "invalid_token" {
		t.Errorf("requests over the API: %+v", reqs)
	}
	if _, body := control(t, "GET", s.URL()+"/_fake/stats", ""); !strings.Contains(body, `"requests": 5`) || !strings.Contains(body, `"invalid_answers": 3`) {
		t.Errorf("stats: %s", body)
	}
	if st, _ := control(t, "POST", s.URL()+"/_fake/reset", ""); st != 204 {
		t.Errorf("reset: %d", st)
	}
	if len(s.Requests()) != 0 {
		t.Error("reset kept requests")
	}
}

func TestFaultJSONRoundTrip(t *testing.T) {
	in := Fault{Name: "n", Status: 429, Header: map[string]string{"Retry-After": "1"}, Body: "b", Delay: 1500 * time.Millisecond,
		TruncateAt: 2, State: Archived, Sticky: true}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`"delay":"1.5s"`)) {
		t.Errorf("delay not a duration string: %s", b)
	}
	var out Fault
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if out.Delay != in.Delay || out.Status != in.Status || out.State != in.State || !out.Sticky || out.Header["Retry-After"] != "1" {
		t.Errorf("round trip: %+v", out)
	}
	if err := json.Unmarshal([]byte(`{"state":"zombie"}`), &out); err == nil {
		t.Error("bad state accepted")
	}
}

func TestBucket(t *testing.T) {
	var b bucket
	r := Rate{PerSecond: 2, Burst: 2}
	if b.take(r, epoch) != 0 || b.take(r, epoch) != 0 {
		t.Fatal("burst refused")
	}
	if w := b.take(r, epoch); w != 500*time.Millisecond {
		t.Errorf("wait %v, want 500ms", w)
	}
	if w := b.take(r, epoch.Add(500*time.Millisecond)); w != 0 {
		t.Errorf("after refill: wait %v", w)
	}
	if retryAfterSeconds(500*time.Millisecond) != 1 || retryAfterSeconds(1500*time.Millisecond) != 2 || retryAfterSeconds(0) != 1 {
		t.Error("retryAfterSeconds rounding")
	}
}

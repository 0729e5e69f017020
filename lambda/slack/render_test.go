package slack

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/fakechat"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func intp(n int) *int { return &n }

func fact(label, value string) alert.Fact { return alert.Fact{Label: label, Value: value} }
func link(label, url string) alert.Link   { return alert.Link{Label: label, URL: url} }

// hostile is what an attacker who can shape an event would put in it.
const hostile = "<!channel> <https://evil.example|click> & @here"

// sampleAlerts are hand-built alerts, one per golden file. Golden files over the classifier's
// output for real AWS fixtures come with the classifier.
func sampleAlerts() map[string]alert.Alert {
	at := time.Date(2026, 8, 30, 12, 0, 0, 0, time.UTC)
	id := alert.Identity{Partition: "aws", Account: "111122223333", Region: "eu-west-1", Cluster: "prod",
		Service: "checkout-api", TaskFamily: "checkout-api", TaskRevision: 42, TaskID: "0f1e2d3c4b5a69788796a5b4c3d2e1f0"}
	console := "https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/prod/services/checkout-api/health?region=eu-west-1"

	hugeFacts := make([]alert.Fact, 100)
	for i := range hugeFacts {
		hugeFacts[i] = alert.Fact{Label: fmt.Sprintf("Fact %d %s", i, strings.Repeat("label ", 40)),
			Value: strings.Repeat(fmt.Sprintf("value-%d & <more> ", i), 200)}
	}
	hugeLinks := make([]alert.Link, 30)
	for i := range hugeLinks {
		hugeLinks[i] = alert.Link{Label: fmt.Sprintf("Link %d %s", i, strings.Repeat("long label ", 10)),
			URL: fmt.Sprintf("https://console.aws.example/link/%d?q=%s", i, strings.Repeat("x", 100))}
	}
	hugeLinks[3].URL = "https://console.aws.example/" + strings.Repeat("p", 3100) // over Slack's 3000: skipped
	hugeLinks[4].URL = "javascript:alert(1)"                                      // not http(s): skipped
	hugeLines := make([]string, 200)
	for i := range hugeLines {
		hugeLines[i] = fmt.Sprintf("2026-08-30T11:59:%02d line %d %s", i%60, i, strings.Repeat("<x>&", 300))
	}

	return map[string]alert.Alert{
		"critical-oom": {
			EventID: "11111111-2222-3333-4444-555555555555", Source: "aws.ecs", DetailType: "ECS Task State Change",
			Kind: alert.KindTaskStopped, Event: "EssentialContainerExited", Severity: alert.Critical,
			Status: "STOPPED", DesiredStatus: "STOPPED", Group: "service:checkout-api", StartedBy: "ecs-svc/1234567890123456789",
			Title:    "checkout-api: task killed, out of memory (exit 137)",
			Summary:  "checkout-api (prod): task 0f1e2d3c stopped, container web exited 137 (OutOfMemoryError)",
			Identity: id,
			Reason: alert.Reason{
				StopCode: "EssentialContainerExited", StoppedReason: "Essential container in task exited",
				Containers: []alert.Container{
					{Name: "web", ExitCode: intp(137), Reason: "OutOfMemoryError: Container killed due to memory usage", Status: "STOPPED"},
					{Name: "log-router", ExitCode: intp(0), Status: "STOPPED"},
					{Name: "init", Status: "PENDING"},
				},
				Text: "The web container ran out of memory and was killed.",
			},
			Facts: []alert.Fact{
				fact("Cluster", "prod"), fact("Service", "checkout-api"), fact("Task definition", "checkout-api:42"),
				fact("Task", "0f1e2d3c"), fact("Deployment", "ecs-svc/1234567890123456789"),
			},
			Links: []alert.Link{
				link("Service", console),
				link("Task", "https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/prod/tasks/0f1e2d3c4b5a69788796a5b4c3d2e1f0/configuration?region=eu-west-1"),
				link("Logs", "https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Fecs$252Fcheckout-api"),
			},
			Time: at,
			LogLines: []string{
				"2026-08-30T11:59:58Z INFO  GET /cart 200 12ms",
				"2026-08-30T11:59:59Z WARN  heap at 97% of limit",
				"\tat com.example.Cart.load(Cart.java:42)",
				"",
			},
			Count: 1,
		},
		"warning-health-check": {
			EventID: "22222222-2222-3333-4444-555555555555", Source: "aws.ecs", Kind: alert.KindTaskStopped,
			Event: "ServiceSchedulerInitiated", Severity: alert.Warning,
			Title:    "checkout-api: task failed ELB health checks",
			Summary:  "checkout-api (prod): task stopped after failing ELB health checks in target group checkout-tg",
			Identity: id,
			Reason: alert.Reason{StopCode: "ServiceSchedulerInitiated",
				StoppedReason: "Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/checkout-tg/0123456789abcdef)"},
			Facts: []alert.Fact{fact("Cluster", "prod"), fact("Service", "checkout-api"), fact("Health check", "HTTP /healthz")},
			Links: []alert.Link{link("Service", console)},
			Time:  at, Count: 3,
		},
		"info-deployment-started": {
			EventID: "33333333-2222-3333-4444-555555555555", Source: "aws.ecs", Kind: alert.KindDeployment,
			Event: "SERVICE_DEPLOYMENT_IN_PROGRESS", Severity: alert.Info,
			Title:    "checkout-api: deployment started",
			Summary:  "checkout-api (prod): deployment ecs-svc/1234567890123456789 to checkout-api:42 started",
			Identity: id,
			Reason:   alert.Reason{Deployment: "ECS deployment ecs-svc/1234567890123456789 in progress."},
			Facts:    []alert.Fact{fact("Task definition", "checkout-api:42")},
			Time:     at,
		},
		"resolved-alarm-ok": {
			EventID: "44444444-2222-3333-4444-555555555555", Source: "aws.cloudwatch", Kind: alert.KindAlarm,
			Event: "OK", Severity: alert.Resolved,
			Title:   "HighCPU back to OK",
			Summary: "Alarm HighCPU is OK again: CPUUtilization 41% ≤ 80%",
			Identity: alert.Identity{Partition: "aws", Account: "111122223333", Region: "us-east-1",
				AlarmName: "HighCPU", AlarmARN: "arn:aws:cloudwatch:us-east-1:111122223333:alarm:HighCPU"},
			Reason: alert.Reason{Alarm: "Threshold Crossed: 1 datapoint [41.0 (30/08/26 11:55:00)] was not greater than the threshold (80.0)."},
			Facts:  []alert.Fact{fact("State", "ALARM → OK"), fact("Metric", "AWS/ECS CPUUtilization")},
			Links:  []alert.Link{link("Alarm", "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/HighCPU")},
			Time:   at,
		},
		"unknown-severity": {
			EventID: "55555555", Source: "unknown", Kind: alert.KindGeneric, Title: "Something happened",
		},
		"generic-hostile": {
			EventID: "66666666", Source: "unknown", Kind: alert.KindGeneric, Event: "unknown", Severity: alert.Warning,
			Title:    hostile,
			Summary:  "Unrecognised message " + hostile,
			Identity: alert.Identity{Region: "<!here>", Account: "<@U123|boss>"},
			Reason:   alert.Reason{Text: hostile, StoppedReason: "*bold* _it_ ~s~ `code` " + hostile},
			Facts:    []alert.Fact{fact(hostile, hostile), fact("Channel", "<#C123>"), fact("", "value with no label"), fact("", "")},
			Links: []alert.Link{
				link(hostile, "https://console.aws.example/?a=1&b=2"),
				link("Angle brackets", "https://console.aws.example/?a=1&b=<2>"),
				link("Fine", "https://console.aws.example/ok"),
				link("Bad", "https://evil.example|click>"),
			},
			Excerpt:  "{\"message\": \"" + hostile + "\", \"code\": \"```\\n@channel ``` `\"}",
			LogLines: []string{hostile, "```", "ends with a backtick`", "@everyone @Here @channelx"},
			Time:     at,
		},
		"huge": {
			EventID: "77777777", Source: "aws.ecs", Kind: alert.KindTaskStopped, Severity: alert.Critical,
			Title:    strings.Repeat("very long title ", 40),
			Summary:  strings.Repeat("very long summary & more ", 400),
			Identity: alert.Identity{Region: strings.Repeat("r", 500), Account: strings.Repeat("1", 500)},
			Reason: alert.Reason{
				Text:          strings.Repeat("reason & <why> ", 800),
				StopCode:      strings.Repeat("CODE", 300),
				StoppedReason: strings.Repeat("stopped & reason ", 300),
				Deployment:    strings.Repeat("deployment reason ", 300),
				Alarm:         strings.Repeat("alarm reason ", 300),
				Containers: slices.Repeat([]alert.Container{
					{Name: strings.Repeat("c", 300), ExitCode: intp(1), Reason: strings.Repeat("container reason ", 100)}}, 20),
			},
			Facts:    hugeFacts,
			Links:    hugeLinks,
			Excerpt:  strings.Repeat("excerpt <&> ", 2000),
			LogLines: hugeLines,
			Time:     at,
			Count:    250,
		},
		"multibyte-cuts": {
			EventID: "88888888", Source: "aws.ecs", Kind: alert.KindTaskStopped, Severity: alert.Critical,
			// Header: the emoji prefix is 17 runes, so the cut lands inside these runs.
			Title:    strings.Repeat("日本語", 100),
			Summary:  strings.Repeat("🚨", 1000),
			Identity: alert.Identity{Region: "ap-northeast-1", Account: strings.Repeat("é", 200)},
			Reason: alert.Reason{
				Text:       strings.Repeat("é&", 2000),
				Containers: []alert.Container{{Name: "ünïcødé", ExitCode: intp(139), Reason: strings.Repeat("💥", 1000)}},
			},
			Facts: []alert.Fact{{Label: strings.Repeat("ラベル", 100), Value: strings.Repeat("値", 3000)},
				{Label: "Flags", Value: strings.Repeat("🇯🇵", 1500)}},
			Links:    []alert.Link{{Label: strings.Repeat("ボタン", 50), URL: "https://console.aws.example/日本"}},
			Excerpt:  strings.Repeat("`ü`", 2000),
			LogLines: []string{strings.Repeat("ログ", 1000), strings.Repeat("`", 1000)},
			Time:     at,
		},
	}
}

func TestGolden(t *testing.T) {
	for name, a := range sampleAlerts() {
		t.Run(name, func(t *testing.T) {
			body, err := Render(a)
			if err != nil {
				t.Fatal(err)
			}
			var pretty bytes.Buffer
			if err := json.Indent(&pretty, body, "", "  "); err != nil {
				t.Fatalf("not JSON: %v", err)
			}
			pretty.WriteByte('\n')
			path := filepath.Join("testdata", name+".golden.json")
			if *update {
				if err := os.WriteFile(path, pretty.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(pretty.Bytes(), want) {
				t.Errorf("%s differs from the rendering; run go test ./lambda/slack -update and review the diff", path)
			}
			assertAccepted(t, body)
			assertSafe(t, body)
		})
	}
}

// assertAccepted: the fake Slack, which enforces Slack's limits, takes the message.
func assertAccepted(t *testing.T, body []byte) {
	t.Helper()
	if c := fakechat.CheckSlackMessage(body); c.Code != "" || c.Truncated {
		t.Fatalf("fake Slack rejects the message: %s: %s (truncated %v)", c.Code, c.Problem, c.Truncated)
	}
}

// assertSafe checks every mrkdwn string of a rendered message: foghorn's own markup never
// uses <, > or a bare &, so any of them there came from untrusted input unescaped. It also
// checks that broadcast mentions are broken, that code blocks cannot be closed early, and that
// no text object ends with half a rune.
func assertSafe(t *testing.T, body []byte) {
	t.Helper()
	var m struct {
		Text        string `json:"text"`
		Attachments []struct {
			Fallback string `json:"fallback"`
			Blocks   []struct {
				Type     string            `json:"type"`
				Text     *textObject       `json:"text"`
				Fields   []textObject      `json:"fields"`
				Elements []json.RawMessage `json:"elements"`
			} `json:"blocks"`
		} `json:"attachments"`
	}
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	check := func(where, s string, isMrkdwn bool) {
		t.Helper()
		if !utf8.ValidString(s) || strings.ContainsRune(s, utf8.RuneError) && !strings.Contains(s, "\uFFFD") {
			t.Errorf("%s: invalid UTF-8: %q", where, s)
		}
		lower := strings.ToLower(s)
		for _, w := range []string{"@here", "@channel", "@everyone"} {
			if strings.Contains(lower, w) {
				t.Errorf("%s: live %s in %q", where, w, s)
			}
		}
		if !isMrkdwn {
			return
		}
		if strings.ContainsAny(s, "<>") {
			t.Errorf("%s: raw < or > in mrkdwn %q", where, s)
		}
		for i := strings.IndexByte(s, '&'); i >= 0; i = next(s, i) {
			rest := s[i:]
			if !strings.HasPrefix(rest, "&amp;") && !strings.HasPrefix(rest, "&lt;") && !strings.HasPrefix(rest, "&gt;") {
				t.Errorf("%s: bare & in mrkdwn at %d: %q", where, i, s)
				break
			}
		}
		if n := strings.Count(s, "```"); n != 0 && n != 2 {
			t.Errorf("%s: %d code fences, want 2: %q", where, n, s)
		}
	}
	check("text", m.Text, true)
	for _, a := range m.Attachments {
		check("fallback", a.Fallback, true)
		for i, b := range a.Blocks {
			where := fmt.Sprintf("block %d (%s)", i, b.Type)
			if b.Text != nil {
				check(where, b.Text.Text, b.Text.Type == "mrkdwn")
			}
			for _, f := range b.Fields {
				check(where+" field", f.Text, f.Type == "mrkdwn")
			}
			for _, raw := range b.Elements {
				var e struct {
					Type string     `json:"type"`
					Text any        `json:"text"`
					Btn  textObject `json:"-"`
				}
				_ = json.Unmarshal(raw, &e)
				switch txt := e.Text.(type) {
				case string:
					check(where+" element", txt, e.Type == "mrkdwn")
				case map[string]any:
					s, _ := txt["text"].(string)
					check(where+" button", s, false)
				}
			}
		}
	}
}

func next(s string, i int) int {
	j := strings.IndexByte(s[i+1:], '&')
	if j < 0 {
		return -1
	}
	return i + 1 + j
}

// The hostile alert's untrusted text shows up escaped, and nothing it says becomes markup.
func TestEscaping(t *testing.T) {
	body, err := Render(sampleAlerts()["generic-hostile"])
	if err != nil {
		t.Fatal(err)
	}
	s := string(body)
	for _, want := range []string{
		"&lt;!channel&gt; &lt;https://evil.example|click&gt; &amp; @\u2060here", // escaped in mrkdwn
		"`\u200b`\u200b`\u200b",                        // a ``` in a log line cannot close the block
		`"url":"https://console.aws.example/?a=1&b=2"`, // a URL is JSON, not mrkdwn: & kept as is
	} {
		if !strings.Contains(s, want) {
			t.Errorf("rendering lacks %q:\n%s", want, s)
		}
	}
	for _, bad := range []string{`"url":"https://evil.example|click>"`, `"url":"https://console.aws.example/?a=1&b=<2>"`} {
		if strings.Contains(s, bad) {
			t.Errorf("a link that is not a valid URL became a button: %s", bad)
		}
	}
}

func TestTruncationMarksCuts(t *testing.T) {
	body, err := Render(sampleAlerts()["huge"])
	if err != nil {
		t.Fatal(err)
	}
	s := string(body)
	for _, want := range []string{"80 more facts not shown", "5 links not shown", "250 events", "…"} {
		if !strings.Contains(s, want) {
			t.Errorf("rendering lacks %q", want)
		}
	}
	var m message
	var raw struct {
		Attachments []struct {
			Blocks []json.RawMessage `json:"blocks"`
		} `json:"attachments"`
	}
	_ = m
	if err := json.Unmarshal(body, &raw); err != nil {
		t.Fatal(err)
	}
	var actions struct {
		Elements []button `json:"elements"`
	}
	for _, b := range raw.Attachments[0].Blocks {
		if strings.Contains(string(b), `"type":"actions"`) {
			_ = json.Unmarshal(b, &actions)
		}
	}
	if len(actions.Elements) != MaxActions {
		t.Errorf("%d buttons, want %d", len(actions.Elements), MaxActions)
	}
	if n := utf8.RuneCountInString(actions.Elements[0].Text.Text); n != MaxButtonText {
		t.Errorf("first button label has %d runes, want %d", n, MaxButtonText)
	}
}

// FuzzRender fills every field with arbitrary text: rendering never panics, the fake Slack
// always takes the result, and the escaping invariants hold.
func FuzzRender(f *testing.F) {
	f.Add(hostile, "```", "é&<>", 3, 2)
	f.Add("", "", "", 0, 0)
	f.Add(strings.Repeat("🚨", 200), "\x00\xff\u202e", "@here", 40, 30)
	f.Fuzz(fuzzRender)
}

func fuzzRender(t *testing.T, a, b, c string, facts, links int) {
	{
		facts, links = abs(facts)%120, abs(links)%40
		big := func(s string, n int) string { return strings.Repeat(s, n%7+1) }
		al := alert.Alert{
			EventID: a, Source: b, Kind: alert.Kind(c), Event: a,
			Severity: alert.Severity(b), Title: big(a, 50), Summary: big(b+c, 300),
			Identity: alert.Identity{Region: c, Account: a},
			Reason: alert.Reason{StopCode: a, StoppedReason: big(b, 100), Deployment: c, Alarm: a, Text: big(c+a, 500),
				Containers: []alert.Container{{Name: a, ExitCode: intp(len(b)), Reason: big(c, 200)}, {Name: b, Status: c}}},
			Excerpt:  big(a+"```"+c, 1000),
			LogLines: []string{a, b, big(c, 1000), "```" + a},
			Time:     time.Unix(int64(len(a))*1e6, 0),
			Count:    len(c),
		}
		for i := range facts {
			al.Facts = append(al.Facts, alert.Fact{Label: big(a, i), Value: big(b, i*50)})
		}
		for i := range links {
			al.Links = append(al.Links, alert.Link{Label: big(c, i), URL: "https://console.aws.example/" + a})
		}
		body, err := Render(al)
		if err != nil {
			t.Fatal(err)
		}
		assertAccepted(t, body)
		assertSafe(t, body)
	}
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

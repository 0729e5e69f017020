package config

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/policy"
)

func TestCrashLoop(t *testing.T) {
	for _, tt := range []struct {
		o       CrashLoop
		wantErr string
	}{
		{o: CrashLoop{}},
		{o: CrashLoop{Threshold: 5, Window: Duration(15 * time.Minute), DigestInterval: Duration(2 * time.Minute)}},
		{o: CrashLoop{Threshold: 1}, wantErr: "crashLoop.threshold"},
		{o: CrashLoop{Window: Duration(time.Second)}, wantErr: "crashLoop.window"},
		{o: CrashLoop{DigestInterval: Duration(48 * time.Hour)}, wantErr: "crashLoop.digestInterval"},
	} {
		err := tt.o.Validate()
		if (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("Validate(%+v) = %v, want %q", tt.o, err, tt.wantErr)
		}
	}
}

func TestLogsJSON(t *testing.T) {
	var o Logs
	doc := `{"lines":30,"lineBytes":256,"budget":"800ms","logGroupPrefixes":["/ecs/"],"regions":["eu-west-1","us-east-1"],"redact":["cust-\\d{6}"],"cacheSize":64}`
	if err := json.Unmarshal([]byte(doc), &o); err != nil {
		t.Fatal(err)
	}
	if o.Lines != 30 || o.LineBytes != 256 || time.Duration(o.Budget) != 800*time.Millisecond || o.LogGroupPrefixes[0] != "/ecs/" || o.Redact[0] != `cust-\d{6}` || o.CacheSize != 64 ||
		len(o.Regions) != 2 || o.Regions[1] != "us-east-1" {
		t.Errorf("decoded %+v", o)
	}
	if _, problems := o.Compile(); problems != nil {
		t.Error(problems)
	}
	o.Regions = []string{"eu-west-1", "Ireland"}
	if _, problems := o.Compile(); len(problems) != 1 || problems[0].Key != "regions[1]" {
		t.Errorf("a region that is no region code: %v", problems)
	}
	if b, _ := json.Marshal(Logs{Budget: Duration(1500 * time.Millisecond)}); string(b) != `{"budget":"1.5s"}` {
		t.Errorf("encoded %s", b)
	}
	if err := json.Unmarshal([]byte(`{"budget":1500}`), &o); err == nil || !strings.Contains(err.Error(), `"1500ms"`) {
		t.Errorf("a bare number: %v", err)
	}
}

// secretShape is one case of testdata/secret-shapes.json, which the notifier's registry
// (lambda/destination) and the Pulumi program (infra) run too: the three agree on every case.
type secretShape struct {
	Target     string `json:"target"`
	Secret     string `json:"secret"`
	SigningKey string `json:"signingKey"`
	OK         bool   `json:"ok"`
	Key        string `json:"key"`
}

func TestCheckSecrets(t *testing.T) {
	data, err := os.ReadFile("testdata/secret-shapes.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []secretShape
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		err := CheckSecrets(tc.Target, Secrets{Value: tc.Secret, SigningKey: tc.SigningKey})
		if (err == nil) != tc.OK {
			t.Errorf("%s %q: err %v, want ok %v", tc.Target, tc.Secret, err, tc.OK)
			continue
		}
		if err == nil {
			continue
		}
		var e *Error
		if !errors.As(err, &e) || e.Key != tc.Key {
			t.Errorf("%s %q: %v, want an error keyed %s", tc.Target, tc.Secret, err, tc.Key)
		}
		for _, secret := range []string{tc.Secret, tc.SigningKey} {
			if len(secret) > len("xoxb-") && strings.Contains(err.Error(), secret) {
				t.Errorf("%s: the error echoes the secret: %v", tc.Target, err)
			}
		}
	}
	if err := CheckSecrets("pager", Secrets{}); err != nil {
		t.Errorf("an unknown target is Validate's to report: %v", err)
	}
}

func TestLogPatterns(t *testing.T) {
	doc := func(change func(*Document)) *Document {
		d := &Document{Version: Version, Destinations: []Destination{{Name: "ops", Target: Slack, SecretParam: "/foghorn/ops"}}}
		change(d)
		return d
	}
	for _, tt := range []struct {
		name    string
		change  func(*Document)
		wantKey string // "" for valid
	}{
		{"defaults", func(*Document) {}, ""},
		{"everything set", func(d *Document) {
			d.LogPatterns = LogPatterns{DigestInterval: Duration(time.Hour), QuietAfter: Duration(48 * time.Hour), DeploymentWindow: Duration(time.Hour),
				Services: []LogService{{LogGroup: "/ecs/payments-*", StreamPrefix: "ecs", Cluster: "prod", Service: "payments"}}, Clusters: []string{"prod"}}
			d.Noise.MutedPatterns = []policy.MutedPattern{{Fingerprint: "lp1-0123456789abcdef", Service: []string{"checkout-*"}, Reason: "known, OPS-42"}}
		}, ""},
		{"digest too often", func(d *Document) { d.LogPatterns.DigestInterval = Duration(time.Second) }, "logPatterns.digestInterval"},
		{"quiet too long", func(d *Document) { d.LogPatterns.QuietAfter = Duration(15 * 24 * time.Hour) }, "logPatterns.quietAfter"},
		{"window past a deployment's story", func(d *Document) { d.LogPatterns.DeploymentWindow = Duration(2 * time.Hour) }, "logPatterns.deploymentWindow"},
		{"a group that is no name", func(d *Document) { d.LogPatterns.Services = []LogService{{LogGroup: "/ecs/a b", Service: "a"}} }, "logPatterns.services[0].logGroup"},
		{"no service", func(d *Document) { d.LogPatterns.Services = []LogService{{LogGroup: "/ecs/a"}} }, "logPatterns.services[0].service"},
		{"a cluster path", func(d *Document) {
			d.LogPatterns.Services = []LogService{{LogGroup: "/ecs/a", Cluster: "a/b", Service: "a"}}
		}, "logPatterns.services[0].cluster"},
		{"an empty cluster", func(d *Document) { d.LogPatterns.Clusters = []string{""} }, "logPatterns.clusters[0]"},
		{"not a fingerprint", func(d *Document) {
			d.Noise.MutedPatterns = []policy.MutedPattern{{Fingerprint: "lp1-XYZ", Reason: "r"}}
		}, "noise.mutedPatterns[0].fingerprint"},
		{"muted twice", func(d *Document) {
			m := policy.MutedPattern{Fingerprint: "lp1-0123456789abcdef", Reason: "r"}
			d.Noise.MutedPatterns = []policy.MutedPattern{m, m}
		}, "noise.mutedPatterns[1].fingerprint"},
		{"no reason", func(d *Document) {
			d.Noise.MutedPatterns = []policy.MutedPattern{{Fingerprint: "lp1-0123456789abcdef"}}
		}, "noise.mutedPatterns[0].reason"},
		{"a bad glob", func(d *Document) {
			d.Noise.MutedPatterns = []policy.MutedPattern{{Fingerprint: "lp1-0123456789abcdef", Service: []string{"["}, Reason: "r"}}
		}, "noise.mutedPatterns[0].service[0]"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := doc(tt.change).Validate()
			if tt.wantKey == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			// Every problem is a *Error keyed as in the document, which the Pulumi component
			// renames to its own arguments.
			problems := Problems(err)
			if len(problems) != 1 || problems[0].Key != tt.wantKey {
				t.Errorf("problems %v, want one keyed %s", err, tt.wantKey)
			}
		})
	}
	if d := (LogPatterns{}).Defaults(); time.Duration(d.DigestInterval) != DefaultPatternDigestInterval ||
		time.Duration(d.QuietAfter) != DefaultPatternQuietAfter || time.Duration(d.DeploymentWindow) != DefaultPatternDeploymentWindow {
		t.Errorf("defaults %+v", d)
	}
}

package config

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
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
	doc := `{"lines":30,"lineBytes":256,"budget":"800ms","logGroupPrefixes":["/ecs/"],"redact":["cust-\\d{6}"],"cacheSize":64}`
	if err := json.Unmarshal([]byte(doc), &o); err != nil {
		t.Fatal(err)
	}
	if o.Lines != 30 || o.LineBytes != 256 || time.Duration(o.Budget) != 800*time.Millisecond || o.LogGroupPrefixes[0] != "/ecs/" || o.Redact[0] != `cust-\d{6}` || o.CacheSize != 64 {
		t.Errorf("decoded %+v", o)
	}
	if _, problems := o.Compile(); problems != nil {
		t.Error(problems)
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

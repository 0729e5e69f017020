package classify

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/envelope"
)

// FuzzClassify feeds anything through Split and Classify: no panic, and every alert has an
// event id and a title.
func FuzzClassify(f *testing.F) {
	for _, dir := range []string{"aws", "aws-derived"} {
		entries, _ := os.ReadDir(filepath.Join("..", "testdata", dir))
		for _, e := range entries {
			if b, err := os.ReadFile(filepath.Join("..", "testdata", dir, e.Name())); err == nil && strings.HasSuffix(e.Name(), ".json") {
				f.Add(b)
			}
		}
	}
	for _, s := range []string{
		``, `{}`, `null`, `[]`, `"x"`, `{"Records":[]}`, `{"Records":[{"body":"{\"detail-type\":1,\"source\":{}}"}]}`,
		`{"detail-type":"ECS Task State Change","source":"aws.ecs","detail":{"containers":[{"exitCode":"x"}]}}`,
		`{"detail-type":"ECS Task State Change","source":"aws.ecs","detail":null}`,
		`{"detail-type":"CloudWatch Alarm State Change","source":"aws.cloudwatch","detail":{"state":{"reasonData":"{\"triggeringAlarms\":[{}]}"}}}`,
		`{"AlarmName":"TargetTracking-service/c/s-AlarmHigh-00000000-0000-0000-0000-000000000000","NewStateValue":"ALARM","Trigger":null}`,
		`{"alarmData":{"configuration":{"metrics":[{}]}}}`,
		"\xff\xfe not utf8",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		recs, err := envelope.Split(payload)
		if err != nil {
			// Not JSON: the CLI rejects it, the SQS path would carry it as a body.
			recs = []envelope.Record{{Via: envelope.ViaSQS, Body: payload}}
		}
		for _, r := range recs {
			a := Classify(r)
			if a.EventID == "" || a.Title == "" {
				t.Fatalf("empty event id or title: %+v", a)
			}
			if !utf8.ValidString(a.Title) || !utf8.ValidString(a.Excerpt) || !utf8.ValidString(a.Reason.Text) {
				t.Fatalf("invalid UTF-8 in %+v", a)
			}
		}
	})
}

func TestGenericRecords(t *testing.T) {
	long := strings.Repeat("é", 800) // 1600 bytes
	tests := []struct {
		name, body, title string
	}{
		{"text", "Hello from SNS!", "Message that is not JSON"},
		{"invalid utf-8", "ok \xff\xfe bad", "Message that is not JSON"},
		{"array", `[1,2]`, "JSON message that is not an object"},
		{"unknown json", `{"hello":"world"}`, "Unrecognised JSON message"},
		{"unknown source", `{"detail-type":"Thing Happened","source":"aws.foo","id":"e-1","detail":{}}`, "Unrecognised event from aws.foo"},
		{"long", long, "Message that is not JSON"},
	}
	for _, tt := range tests {
		a := Classify(envelope.Record{Via: envelope.ViaSQS, Body: []byte(tt.body)})
		if a.Kind != alert.KindGeneric || a.Severity != alert.Warning || a.Title != tt.title {
			t.Errorf("%s: %s/%s %q", tt.name, a.Kind, a.Severity, a.Title)
		}
		if !utf8.ValidString(a.Excerpt) || len(a.Excerpt) > excerptBytes || a.Excerpt == "" {
			t.Errorf("%s: excerpt %q", tt.name, a.Excerpt)
		}
	}
	a := Classify(envelope.Record{Body: []byte(long)})
	if !strings.HasSuffix(a.Excerpt, "…") || len(a.Excerpt) > excerptBytes {
		t.Errorf("long body not cut: %d bytes", len(a.Excerpt))
	}
	// An unknown source keeps its event id; a body without one gets a stable hash.
	if a := Classify(envelope.Record{Body: []byte(tests[4].body)}); a.EventID != "e-1" || a.Source != "aws.foo" {
		t.Errorf("unknown source: %+v", a)
	}
	x := Classify(envelope.Record{Body: []byte("same")})
	y := Classify(envelope.Record{Body: []byte("same")})
	z := Classify(envelope.Record{Body: []byte("other")})
	if x.EventID != y.EventID || x.EventID == z.EventID || !strings.HasPrefix(x.EventID, "sha256:") {
		t.Errorf("hash ids: %q %q %q", x.EventID, y.EventID, z.EventID)
	}
	if m := Classify(envelope.Record{MessageID: "sns-1", Body: []byte("x")}); m.EventID != "sns-1" {
		t.Errorf("SNS message id not used: %q", m.EventID)
	}
}

// Unknown detail types from ECS and CloudWatch are still ECS and CloudWatch alerts.
func TestNewDetailTypesStayTyped(t *testing.T) {
	ecs := Classify(envelope.Record{Body: []byte(`{"id":"1","detail-type":"ECS Daemon Service Action","source":"aws.ecs","region":"eu-west-1","resources":["arn:aws:ecs:eu-west-1:111122223333:service/example-cluster/agent"],"detail":{"eventName":"DAEMON_TASK_START_IMPAIRED","eventType":"WARN"}}`)})
	if ecs.Kind != alert.KindServiceAction || ecs.Severity != alert.Warning || ecs.Identity.Service != "agent" || ecs.Event != "DAEMON_TASK_START_IMPAIRED" {
		t.Errorf("ECS: %+v", ecs)
	}
	cw := Classify(envelope.Record{Body: []byte(`{"id":"2","detail-type":"CloudWatch Alarm Something New","source":"aws.cloudwatch","region":"eu-west-1","resources":["arn:aws:cloudwatch:eu-west-1:111122223333:alarm:example-alarm"],"detail":{"alarmName":"example-alarm"}}`)})
	if cw.Kind != alert.KindAlarm || cw.Identity.AlarmName != "example-alarm" {
		t.Errorf("CloudWatch: %+v", cw)
	}
	sa := Classify(envelope.Record{Body: []byte(`{"id":"3","detail-type":"ECS Service Action","source":"aws.ecs","region":"eu-west-1","resources":[],"detail":{"eventName":"SOMETHING_NEW","eventType":"INFO"}}`)})
	if sa.Kind != alert.KindServiceAction || sa.Severity != alert.Warning {
		t.Errorf("unknown service action judged by its eventType: %+v", sa)
	}
}

// Links follow the partition of the ARNs, else of the region.
func TestPartitions(t *testing.T) {
	tests := []struct {
		body, host string
	}{
		{`{"id":"1","detail-type":"ECS Deployment State Change","source":"aws.ecs","region":"cn-north-1","resources":["arn:aws-cn:ecs:cn-north-1:111122223333:service/example-cluster/checkout-api"],"detail":{"eventName":"SERVICE_DEPLOYMENT_FAILED","deploymentId":"ecs-svc/1"}}`,
			"https://cn-north-1.console.amazonaws.cn/"},
		{`{"id":"2","detail-type":"ECS Deployment State Change","source":"aws.ecs","region":"us-gov-west-1","resources":["arn:aws-us-gov:ecs:us-gov-west-1:111122223333:service/example-cluster/checkout-api"],"detail":{"eventName":"SERVICE_DEPLOYMENT_FAILED","deploymentId":"ecs-svc/1"}}`,
			"https://console.amazonaws-us-gov.com/"},
		{`{"AlarmName":"example","NewStateValue":"ALARM","Region":"China (Ningxia)","StateChangeTime":"2024-01-01T00:00:00.000+0000"}`,
			"https://cn-northwest-1.console.amazonaws.cn/"},
	}
	for _, tt := range tests {
		a := Classify(envelope.Record{Body: []byte(tt.body)})
		if len(a.Links) == 0 || !strings.HasPrefix(a.Links[0].URL, tt.host) {
			t.Errorf("links %+v, want host %s", a.Links, tt.host)
		}
	}
}

// Every alarm path names the alarm from its ARN when the payload leaves the name out.
func TestAlarmNameFromARN(t *testing.T) {
	const arn = "arn:aws:cloudwatch:eu-west-1:111122223333:alarm:example-alarm"
	for name, body := range map[string]string{
		"EventBridge state change": `{"id":"1","detail-type":"CloudWatch Alarm State Change","source":"aws.cloudwatch","region":"eu-west-1","resources":["` + arn + `"],"detail":{"state":{"value":"ALARM"},"previousState":{"value":"OK"}}}`,
		"unknown CloudWatch event": `{"id":"2","detail-type":"CloudWatch Alarm Something New","source":"aws.cloudwatch","region":"eu-west-1","resources":["` + arn + `"],"detail":{"state":{"value":"ALARM"}}}`,
		"Lambda action":            `{"source":"aws.cloudwatch","alarmArn":"` + arn + `","accountId":"111122223333","region":"eu-west-1","alarmData":{"state":{"value":"ALARM"}}}`,
		"SNS notification":         `{"AlarmName":"","AlarmArn":"` + arn + `","NewStateValue":"ALARM","Region":"EU (Ireland)"}`,
	} {
		a := Classify(envelope.Record{Body: []byte(body)})
		if a.Kind != alert.KindAlarm || a.Identity.AlarmName != "example-alarm" || a.Identity.AlarmARN != arn || !strings.HasPrefix(a.Title, "example-alarm: ") {
			t.Errorf("%s: kind %s, alarm %q (%q), title %q", name, a.Kind, a.Identity.AlarmName, a.Identity.AlarmARN, a.Title)
		}
	}
}

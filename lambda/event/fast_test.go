package event

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// samples are every event sample of the repository: the AWS ones and the classifier's.
func samples(t testing.TB) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, pattern := range []string{
		"../testdata/*/*.json", "../testdata/*/*/*.json", "../classify/testdata/*/*.json",
	} {
		paths, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			out[p] = b
		}
	}
	if len(out) < 80 {
		t.Fatalf("found %d samples, want the repository's 80 or more", len(out))
	}
	return out
}

// viaDecode is the reference: the event decoded by Decode as struct{EventBridge; Detail D}.
func viaDecode[D Detail](data []byte) (EventBridge, *D, error) {
	var v struct {
		EventBridge
		Detail D `json:"detail"`
	}
	err := Decode(data, &v)
	return v.EventBridge, &v.Detail, err
}

// fast is the hand-written reader alone: ok is false where DecodeEvent leaves the event to Decode.
func fast[D Detail](data []byte) (EventBridge, *D, bool) {
	d := new(D)
	s := scanner{b: data}
	var ev EventBridge
	s.envelope(&ev, d)
	return ev, d, !s.bad
}

// sameAsDecode checks DecodeEvent[D] against Decode for data.
func sameAsDecode[D Detail](t *testing.T, data []byte) {
	t.Helper()
	ev, d, err := DecodeEvent[D](data)
	wantEv, wantD, wantErr := viaDecode[D](data)
	if (err == nil) != (wantErr == nil) {
		t.Fatalf("DecodeEvent[%T](%q): error %v, Decode's %v", *d, data, err, wantErr)
	}
	if !reflect.DeepEqual(ev, wantEv) || !reflect.DeepEqual(d, wantD) {
		t.Fatalf("DecodeEvent[%T](%q) =\n%#v\n%#v\nDecode's\n%#v\n%#v", *d, data, ev, d, wantEv, wantD)
	}
	// The reader must agree where it claims the event too: DecodeEvent checks this only
	// through its result.
	if ev, d, ok := fast[D](data); ok && (wantErr != nil || !reflect.DeepEqual(ev, wantEv) || !reflect.DeepEqual(d, wantD)) {
		t.Fatalf("reader of %T took %q and read\n%#v\n%#v", *d, data, ev, d)
	}
}

// tricky are inputs at the edges of what the readers take: each must decode as Decode decodes
// it, by hand or not.
var tricky = []string{
	`{"detail-type":"ECS Task State Change","Source":"aws.ecs","detail":{}}`,
	`{"DETAIL":{"taskArn":"a"}}`,
	`{"detail_type":"x","detail":{"task_arn":"a","TaskArn":"b"}}`,
	`{"\u0069d":"x","detail":{}}`,
	`{"ıd":"x"}`,
	`{"detail":{"taskArn":"a","taskArn":"b"}}`,
	`{"id":"a","id":null}`,
	`{"detail":{"containers":[null,{"exitCode":null}],"containers":[{"name":"x"}]}}`,
	`{"detail":{"containers":[{"exitCode":"137"},{"exitCode":1.5},{"exitCode":true},{"exitCode":{"a":1}}]}}`,
	`{"detail":{"version":1.5}}`,
	`{"detail":{"version":"1"}}`,
	`{"detail":{"version":-0,"pendingTasksCount":99999999999999999999}}`,
	`{"resources":["a",null]}`,
	`{"resources":[]}`,
	`{"resources":null,"detail":null}`,
	`{"time":12345,"detail":{"state":{"timestamp":"\u00322020-01-01T00:00:00Z"},"stoppedAt":[1]}}`,
	`{"time":"2020-01-01T00:00:00Z\n","detail":{"createdAt":" 2020 "}}`,
	`{"detail":{"configuration":{"metrics":[{"metricStat":{"metric":{"dimensions":{"a":"b","a":"c"}}}}]}}}`,
	`{"detail":{"configuration":{"metrics":[{"metricStat":{"metric":{"dimensions":{"a":null}}}}]}}}`,
	`{"detail":{"eventMetadata":{"a":[1,"x",{"b":null},true,[]],"a":2,"c":{}}}}`,
	`{"detail":{"eventMetadata":{"a":1e400}}}`,
	`{"detail":{"threshold":1e400,"configuration":{"threshold":-1.5e-3}}}`,
	`{"id":"ÿ","detail":{}}`,
	`{"id":"é ","detail":{"clusterArn":"\ud800"}}`,
	`{"id":"\ud83d\ude00\n\t\"\/\\\b\f\r","detail":{}}`,
	`{"id":"\ud83d\u0041"}`,
	`{"id":"a"} x`,
	`{"id":"a"}  `,
	`[{"id":"a"}]`,
	`null`,
	`{"id":"a",}`,
	`{"detail":{"attachments":[{"details":[{"name":"subnetId","value":"subnet-1"}]}],"unknown":[{"deep":[[[[]]]]}]}}`,
	`{"detail":{"agentConnected":null,"runningTasksCount":null,"versionInfo":null,"muteDetail":null}}`,
	`{"detail":{"responseElements":{"tasks":[null,{"taskArn":"t"}],"service":{"desiredCount":2}},"requestParameters":{"capacityProviderStrategy":[{"weight":1}]}}}`,
	`{"detail":{"userIdentity":{"sessionContext":{"sessionIssuer":{"arn":"x","ARN":"y"}}}}}`,
}

// FuzzDecodeEvent: whatever the bytes, DecodeEvent gives for every detail type what Decode
// gives, and fails when it fails.
func FuzzDecodeEvent(f *testing.F) {
	for _, b := range samples(f) {
		f.Add(b)
		// Alarms' reasonData, JSON inside a string, is read on its own.
		if _, d, err := viaDecode[AlarmStateChange](b); err == nil && d.State.ReasonData != "" {
			f.Add([]byte(d.State.ReasonData))
		}
	}
	for _, b := range tricky {
		f.Add([]byte(b))
	}
	f.Add([]byte(`{"detail":{"containers":[{"exitCode":"x","name":5}],"stoppedAt":1}, "ID":"a","id":"b"}`))
	f.Add([]byte(`{"id":"a","detail":{"containers":[{"exitCode":"1","name":"n\u00e9\ud83d\ude00"}],"stoppedAt":null,"version":12}}`))
	f.Add([]byte(`{"detail":{"state":{"reasonData":"{\"threshold\":100,\"results\":[...]}"}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		sameAsDecodeAll(t, data)
	})
}

// TestDecodeEventReadsSamples: every sample of a detail type with a reader is read by it, not
// left to Decode, and read as Decode reads it.
func TestDecodeEventReadsSamples(t *testing.T) {
	readers := map[string]func([]byte) bool{
		DetailTypeTaskStateChange:              reads[Task],
		DetailTypeServiceAction:                reads[ServiceAction],
		DetailTypeDeploymentStateChange:        reads[Deployment],
		DetailTypeContainerInstanceStateChange: reads[ContainerInstance],
		DetailTypeHookStateChange:              reads[HookStateChange],
		DetailTypeDaemonServiceAction:          reads[DaemonServiceAction],
		DetailTypeDaemonDeploymentStateChange:  reads[DaemonDeployment],
		DetailTypeContainerInstanceHealth:      reads[ContainerInstanceHealth],
		DetailTypeAlarmStateChange:             reads[AlarmStateChange],
		DetailTypeAlarmConfigurationChange:     reads[AlarmStateChange],
		DetailTypeAlarmContributorStateChange:  reads[AlarmStateChange],
		DetailTypeCloudTrailAPICall:            reads[CloudTrail],
		DetailTypeHealth:                       reads[Health],
		DetailTypeScalingActivity:              reads[ScalingActivity],
	}
	n := map[string]int{}
	for name, b := range samples(t) {
		var probe struct {
			DetailType string `json:"detail-type"`
		}
		if json.Unmarshal(b, &probe) != nil {
			continue
		}
		read, ok := readers[probe.DetailType]
		if !ok {
			continue
		}
		n[probe.DetailType]++
		if !read(b) {
			t.Errorf("%s: left to Decode", name)
		}
	}
	reasons := 0
	for name, b := range samples(t) {
		_, d, err := viaDecode[AlarmStateChange](b)
		if err == nil && d.State.ReasonData != "" && Decode([]byte(d.State.ReasonData), new(AlarmReasonData)) == nil {
			reasons++
			s := scanner{b: []byte(d.State.ReasonData)}
			s.reasonData(new(AlarmReasonData))
			if s.end(); s.bad {
				t.Errorf("%s: reasonData left to Decode", name)
			}
		}
	}
	if reasons == 0 {
		t.Error("no sample with reasonData")
	}
	for dt := range readers {
		if n[dt] == 0 {
			t.Errorf("no sample of %s", dt)
		}
	}
	for _, b := range samples(t) {
		sameAsDecodeAll(t, b)
	}
}

func TestDecodeEventTricky(t *testing.T) {
	for _, b := range tricky {
		sameAsDecodeAll(t, []byte(b))
	}
	// These the readers take themselves (and sameAsDecodeAll holds them to Decode's result).
	for _, b := range []string{
		`{"id":"a","id2":1,"detail":{"containers":[null,{"exitCode":null,"networkBindings":[{"x":[1,-2.5e3,true,false,null,{}]}]}]}}`,
		`{"resources":[],"detail":{"stoppedAt":null,"version":-0,"attachments":[],"createdAt":"é"}}`,
		`{"id":"\ud83d\ude00\n\t\"\/\\\b\f\r é","detail":{}}`,
		` {"time":1611050827340,"detail":{"containers":[{"exitCode":"137"},{"exitCode":1.5},{"exitCode":true},{"exitCode":{"a":1}}]}} `,
	} {
		if !reads[Task]([]byte(b)) {
			t.Errorf("%s: left to Decode", b)
		}
	}
}

func reads[D Detail](b []byte) bool {
	_, _, ok := fast[D](b)
	return ok
}

// sameAsDecodeAll checks every detail type with a reader.
func sameAsDecodeAll(t *testing.T, data []byte) {
	t.Helper()
	sameAsDecode[Task](t, data)
	sameAsDecode[ServiceAction](t, data)
	sameAsDecode[Deployment](t, data)
	sameAsDecode[ContainerInstance](t, data)
	sameAsDecode[HookStateChange](t, data)
	sameAsDecode[DaemonServiceAction](t, data)
	sameAsDecode[DaemonDeployment](t, data)
	sameAsDecode[ContainerInstanceHealth](t, data)
	sameAsDecode[AlarmStateChange](t, data)
	sameAsDecode[CloudTrail](t, data)
	sameAsDecode[Health](t, data)
	sameAsDecode[ScalingActivity](t, data)
	sameReasonData(t, data)
}

// sameReasonData checks ParseReasonData against Decode, and its reader where it claims data.
func sameReasonData(t *testing.T, data []byte) {
	t.Helper()
	got := ParseReasonData(string(data))
	var want AlarmReasonData
	if len(data) > 0 {
		_ = Decode(data, &want)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("ParseReasonData(%q) =\n%#v\nDecode's\n%#v", data, got, want)
	}
	var d AlarmReasonData
	s := scanner{b: data}
	s.reasonData(&d)
	s.end()
	if !s.bad && (Decode(data, new(AlarmReasonData)) != nil || !reflect.DeepEqual(d, want)) {
		t.Fatalf("reasonData reader took %q and read\n%#v", data, d)
	}
}

// TestTokenFindsEveryByte: the eight-bytes-at-a-time search stops at every byte that is not
// plain ASCII, wherever it sits.
func TestTokenFindsEveryByte(t *testing.T) {
	for c := 0; c < 256; c++ {
		for at := 0; at < 20; at++ {
			in := []byte(`"` + "abcdefghijklmnopqrstuvwxyz"[:at] + string(rune(0)) + `abcdefghijklmnopqrstuvwxyz"`)
			in[1+at] = byte(c)
			s := scanner{b: in}
			raw, plain := s.token()
			wantPlain := c >= 0x20 && c < 0x80 && c != '"' && c != '\\'
			switch {
			case c == '"':
				if s.bad || len(raw) != at {
					t.Errorf("byte %#x at %d: read %q, bad %v", c, at, raw, s.bad)
				}
			case c < 0x20 || c == '\\':
				if !s.bad {
					t.Errorf("byte %#x at %d: read %q, want a failure", c, at, raw)
				}
			case s.bad || plain != wantPlain || len(raw) != len(in)-2:
				t.Errorf("byte %#x at %d: read %q, plain %v, bad %v", c, at, raw, plain, s.bad)
			}
		}
	}
}

// BenchmarkDecodeEvent reads the ECS task samples by hand, and by Decode (reflection) for
// comparison.
func BenchmarkDecodeEvent(b *testing.B) {
	var tasks [][]byte
	for _, s := range samples(b) {
		var probe struct {
			DetailType string `json:"detail-type"`
		}
		if json.Unmarshal(s, &probe) == nil && probe.DetailType == DetailTypeTaskStateChange {
			var c bytes.Buffer // compact, as EventBridge sends events
			if err := json.Compact(&c, s); err != nil {
				b.Fatal(err)
			}
			tasks = append(tasks, c.Bytes())
		}
	}
	b.Run("reader", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			_, _, _ = DecodeEvent[Task](tasks[i%len(tasks)])
		}
	})
	b.Run("Decode", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			_, _, _ = viaDecode[Task](tasks[i%len(tasks)])
		}
	})
}

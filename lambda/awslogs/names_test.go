package awslogs

import (
	"bytes"
	"testing"
)

// FuzzNamesLogs holds namesLogs to the two searches it replaces.
func FuzzNamesLogs(f *testing.F) {
	f.Add([]byte(`{"awslogs":{"data":"H4sI"}}`))
	f.Add([]byte(`{"messageType":"DATA_MESSAGE","logEvents":[]}`))
	f.Add([]byte(`{"detail-type":"ECS Task State Change","detail":{"logGroup":"/ecs/app","catalog":"x"}}`))
	f.Add([]byte(`"awslog" "logEvent" "awslogss" log"awslogs"`))
	f.Add([]byte(`logEvents" "log`))
	f.Add([]byte(`{"logEventsX":1,"awslogsY":2}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		want := bytes.Contains(body, []byte(`"awslogs"`)) || bytes.Contains(body, []byte(`"logEvents"`))
		if got := namesLogs(body); got != want {
			t.Fatalf("namesLogs(%q) = %v, want %v", body, got, want)
		}
	})
}

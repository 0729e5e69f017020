package event

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// decodeV1 is Decode as it was with encoding/json alone: the reference.
func decodeV1(data []byte, v any) error {
	err := json.Unmarshal(data, v)
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return nil
	}
	return err
}

type typedTask struct {
	EventBridge
	Detail Task `json:"detail"`
}

type typedAlarm struct {
	EventBridge
	Detail AlarmStateChange `json:"detail"`
}

// FuzzDecodeMatchesEncodingJSON: whatever the input, Decode fills a struct exactly as
// encoding/json did, and fails when it failed.
func FuzzDecodeMatchesEncodingJSON(f *testing.F) {
	for _, dir := range []string{"aws", "aws-derived"} {
		paths, _ := filepath.Glob(filepath.Join("..", "testdata", dir, "*.json"))
		for _, p := range paths {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
	f.Add([]byte(`{"detail":{"containers":[{"exitCode":"x","name":5}],"stoppedAt":1}, "ID":"a","id":"b"}`))
	f.Add([]byte(`{"detail":{"state":{"reasonData":"{\"threshold\":100,\"results\":[...]}"}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		check := func(got, want any) {
			t.Helper()
			gotErr, wantErr := Decode(data, got), decodeV1(data, want)
			if (gotErr == nil) != (wantErr == nil) {
				t.Fatalf("Decode(%q): error %v, encoding/json's %v", data, gotErr, wantErr)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("Decode(%q) = %+v, encoding/json's %+v", data, got, want)
			}
		}
		check(new(typedTask), new(typedTask))
		check(new(typedAlarm), new(typedAlarm))
		check(new(AlarmReasonData), new(AlarmReasonData))
		check(new(AlarmNotification), new(AlarmNotification))
	})
}

package param

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
)

const fakeWebhook = "https://hooks.slack.example/services/TFAKE/BFAKE/fake-secret-for-tests"

// fakeSSM speaks the SSM JSON protocol (awsJson1_1) for GetParameter.
func fakeSSM(t *testing.T, params map[string]string, calls *atomic.Int32) *ssm.Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if got := r.Header.Get("X-Amz-Target"); got != "AmazonSSM.GetParameter" {
			t.Errorf("X-Amz-Target = %q", got)
		}
		if !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 ") {
			t.Errorf("request is not SigV4-signed")
		}
		body, _ := io.ReadAll(r.Body)
		var in struct {
			Name           string
			WithDecryption bool
		}
		if err := json.Unmarshal(body, &in); err != nil {
			t.Errorf("bad request body %q: %v", body, err)
		}
		if !in.WithDecryption {
			t.Errorf("GetParameter without WithDecryption: SecureString values would come back encrypted")
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		v, ok := params[in.Name]
		if !ok {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"__type":"ParameterNotFound","message":"Parameter not found."}`)
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"Parameter": map[string]any{
			"Name": in.Name, "Type": "SecureString", "Value": v, "Version": 1,
		}})
	}))
	t.Cleanup(srv.Close)
	return ssm.New(ssm.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDFAKEFORTESTS", "fake-secret-key", ""),
		HTTPClient:   srv.Client(),
	})
}

func TestStore(t *testing.T) {
	var calls atomic.Int32
	client := fakeSSM(t, map[string]string{"/foghorn/dev/webhook": fakeWebhook, "/foghorn/dev/empty": ""}, &calls)
	s := NewStore(client)
	ctx := context.Background()

	tests := []struct {
		name    string
		param   string
		want    string
		wantErr string
	}{
		{name: "secure string", param: "/foghorn/dev/webhook", want: fakeWebhook},
		{name: "cached", param: "/foghorn/dev/webhook", want: fakeWebhook},
		{name: "missing", param: "/foghorn/dev/nope", wantErr: `SSM parameter "/foghorn/dev/nope" does not exist`},
		{name: "empty", param: "/foghorn/dev/empty", wantErr: `SSM parameter "/foghorn/dev/empty" is empty`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Get(ctx, tt.param)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Get = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
	// One call for the webhook (the second read is cached), one each for the two failures.
	if n := calls.Load(); n != 3 {
		t.Errorf("SSM calls = %d, want 3 (the second read must come from the cache)", n)
	}
	// Fresh reads again, whatever the cache holds.
	if v, err := s.Fresh(ctx, "/foghorn/dev/webhook"); err != nil || v != fakeWebhook {
		t.Errorf("Fresh = %q, %v", v, err)
	}
	if n := calls.Load(); n != 4 {
		t.Errorf("SSM calls = %d, want 4 (Fresh reads SSM)", n)
	}
}

func TestStoreErrorsHoldNoSecret(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A broken response that still carries the value: the error must not echo it.
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		io.WriteString(w, `{"Parameter":{"Value":"`+fakeWebhook+`"`)
	}))
	defer srv.Close()
	client := ssm.New(ssm.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), HTTPClient: srv.Client(),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDFAKEFORTESTS", "fake-secret-key", ""),
	})
	_, err := NewStore(client).Get(context.Background(), "/foghorn/dev/webhook")
	if err == nil {
		t.Fatal("want an error for a truncated response")
	}
	if strings.Contains(err.Error(), "fake-secret-for-tests") {
		t.Errorf("error leaks the secret: %v", err)
	}
}

// TestURLAsName: a webhook URL given as a parameter name is neither sent to SSM nor repeated
// in the error.
func TestURLAsName(t *testing.T) {
	var calls atomic.Int32
	s := NewStore(fakeSSM(t, map[string]string{}, &calls))
	for _, name := range []string{fakeWebhook, "xoxb-fake token for tests", ""} {
		_, err := s.Get(context.Background(), name)
		if !errors.Is(err, ErrNotAName) {
			t.Errorf("Get(%.30q) = %v, want ErrNotAName", name, err)
		}
		if err != nil && name != "" && strings.Contains(err.Error(), name) {
			t.Errorf("the error repeats the name: %v", err)
		}
	}
	if n := calls.Load(); n != 0 {
		t.Errorf("%d SSM calls, want none", n)
	}
}

package awsjson

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

var ssmService = Service{Endpoint: "ssm", EnvID: "SSM", Target: "AmazonSSM", JSONVersion: "1.1"}

func TestEndpoints(t *testing.T) {
	tests := []struct {
		env    map[string]string
		region string
		want   string
	}{
		{nil, "eu-west-1", "https://ssm.eu-west-1.amazonaws.com"},
		{nil, "cn-north-1", "https://ssm.cn-north-1.amazonaws.com.cn"},
		{nil, "us-gov-west-1", "https://ssm.us-gov-west-1.amazonaws.com"},
		{nil, "us-iso-east-1", "https://ssm.us-iso-east-1.c2s.ic.gov"},
		{map[string]string{"AWS_ENDPOINT_URL": "http://localhost:4566/"}, "eu-west-1", "http://localhost:4566"},
		{map[string]string{"AWS_ENDPOINT_URL": "http://a", "AWS_ENDPOINT_URL_SSM": "http://b"}, "eu-west-1", "http://b"},
		{map[string]string{"AWS_ENDPOINT_URL_ECS": "http://b"}, "eu-west-1", "https://ssm.eu-west-1.amazonaws.com"},
	}
	for _, tt := range tests {
		c := New(Config{Region: "us-east-1", Getenv: env(tt.env)}, ssmService)
		if got := c.Endpoint(tt.region); got != tt.want {
			t.Errorf("%v %s: endpoint %s, want %s", tt.env, tt.region, got, tt.want)
		}
	}
}

func TestFromEnv(t *testing.T) {
	_, err := FromEnv(env(map[string]string{"AWS_SECRET_ACCESS_KEY": "fake-secret-key"}))
	if err == nil || !strings.Contains(err.Error(), "AWS_REGION, AWS_ACCESS_KEY_ID") || strings.Contains(err.Error(), "fake-secret-key") {
		t.Errorf("err = %v", err)
	}
	cfg, err := FromEnv(env(map[string]string{"AWS_DEFAULT_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "AKIDFAKE", "AWS_SECRET_ACCESS_KEY": "fake", "AWS_SESSION_TOKEN": "tok"}))
	if err != nil || cfg.Region != "eu-west-1" {
		t.Fatalf("%+v %v", cfg, err)
	}
	creds, _ := cfg.Credentials.Retrieve(context.Background())
	if creds.AccessKeyID != "AKIDFAKE" || creds.SessionToken != "tok" {
		t.Errorf("credentials %+v", creds)
	}
}

// TestCall: the request is what the JSON protocol wants (target, content type, SigV4 with
// the session token), errors are read from the body, and only throttling, server errors and
// lost connections are tried again.
func TestCall(t *testing.T) {
	var calls atomic.Int32
	answers := []func(w http.ResponseWriter){}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		if r.Header.Get("X-Amz-Target") != "AmazonSSM.GetParameter" || r.Header.Get("Content-Type") != "application/x-amz-json-1.1" {
			t.Errorf("headers %v", r.Header)
		}
		auth := r.Header.Get("Authorization")
		if !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 Credential=AKIDFAKE/") || !strings.Contains(auth, "/us-east-1/ssm/aws4_request") || r.Header.Get("X-Amz-Security-Token") != "tok" {
			t.Errorf("not signed for ssm in us-east-1: %q", auth)
		}
		if body, _ := io.ReadAll(r.Body); string(body) != `{"Name":"x"}` {
			t.Errorf("body %s", body)
		}
		answers[int(n)-1](w)
	}))
	defer srv.Close()
	cfg, _ := FromEnv(env(map[string]string{"AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "AKIDFAKE", "AWS_SECRET_ACCESS_KEY": "fake", "AWS_SESSION_TOKEN": "tok", "AWS_ENDPOINT_URL_SSM": srv.URL}))
	c := New(cfg, ssmService)
	in := struct{ Name string }{"x"}
	throttle := func(w http.ResponseWriter) {
		w.WriteHeader(400)
		io.WriteString(w, `{"__type":"com.amazonaws.ssm#ThrottlingException","message":"Rate exceeded"}`)
	}
	ok := func(w http.ResponseWriter) { io.WriteString(w, `{"Parameter":{"Value":"v"}}`) }
	notFound := func(w http.ResponseWriter) {
		w.Header().Set("X-Amzn-ErrorType", "ParameterNotFound:http://internal.amazon.com/")
		w.WriteHeader(400)
		io.WriteString(w, `{"Message":"no such parameter"}`)
	}
	tests := []struct {
		name     string
		answers  []func(http.ResponseWriter)
		wantCode string
		calls    int32
	}{
		{"ok", []func(http.ResponseWriter){ok}, "", 1},
		{"throttled then ok", []func(http.ResponseWriter){throttle, throttle, ok}, "", 3},
		{"throttled three times", []func(http.ResponseWriter){throttle, throttle, throttle}, "ThrottlingException", 3},
		{"not found is not retried", []func(http.ResponseWriter){notFound}, "ParameterNotFound", 1},
	}
	for _, tt := range tests {
		calls.Store(0)
		answers = tt.answers
		var out struct{ Parameter struct{ Value string } }
		err := c.Call(context.Background(), "", "GetParameter", in, &out)
		var ae *Error
		switch {
		case tt.wantCode == "" && (err != nil || out.Parameter.Value != "v"):
			t.Errorf("%s: %v %+v", tt.name, err, out)
		case tt.wantCode != "" && (!errors.As(err, &ae) || ae.ErrorCode() != tt.wantCode):
			t.Errorf("%s: err = %v, want %s", tt.name, err, tt.wantCode)
		}
		if calls.Load() != tt.calls {
			t.Errorf("%s: %d calls, want %d", tt.name, calls.Load(), tt.calls)
		}
	}
}

// Each partition's regions resolve to that partition's domain.
func TestDNSSuffix(t *testing.T) {
	for region, want := range map[string]string{
		"us-east-1":       "amazonaws.com",
		"us-gov-west-1":   "amazonaws.com",
		"cn-north-1":      "amazonaws.com.cn",
		"us-iso-east-1":   "c2s.ic.gov",
		"us-isob-east-1":  "sc2s.sgov.gov",
		"us-isof-south-1": "csp.hci.ic.gov",
		"eu-isoe-west-1":  "cloud.adc-e.uk",
	} {
		if got := DNSSuffix(region); got != want {
			t.Errorf("DNSSuffix(%q) = %q, want %q", region, got, want)
		}
	}
}

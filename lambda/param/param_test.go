package param

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/foghornhq/foghorn/lambda/awsjson"
	"github.com/foghornhq/foghorn/lambda/internal/awsfake"
)

const fakeWebhook = "https://hooks.slack.example/services/TFAKE/BFAKE/fake-secret-for-tests"

// fakeSSM starts the SSM fake holding params, and returns this package's client pointed at
// it. The test fails on any call SSM would refuse, or that asks for a SecureString without
// decrypting it.
func fakeSSM(t *testing.T, params map[string]string) (*SSM, *awsfake.SSM) {
	t.Helper()
	f := awsfake.NewSSM(params)
	t.Cleanup(func() {
		for _, p := range f.Problems() {
			t.Errorf("SSM fake: %s", p)
		}
		f.Close()
	})
	return NewSSM(testConfig(f.URL(), f.HTTPClient())), f
}

// testConfig aims a client at url, as AWS_ENDPOINT_URL_SSM would.
func testConfig(url string, client *http.Client) awsjson.Config {
	return awsjson.Config{
		Region: "us-east-1", HTTP: client,
		Credentials: credentials.NewStaticCredentialsProvider("AKIDFAKEFORTESTS", "fake-secret-key", ""),
		Getenv: func(k string) string {
			if k == "AWS_ENDPOINT_URL_SSM" {
				return url
			}
			return ""
		},
	}
}

// TestFakeAnswersTheSDK: the fake answers the SDK's own client as it answers SSM's, so the
// hand-written client is checked against a fake that speaks the real protocol.
func TestFakeAnswersTheSDK(t *testing.T) {
	own, fake := fakeSSM(t, map[string]string{"/foghorn/dev/webhook": fakeWebhook})
	sdk := ssm.New(ssm.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(fake.URL()), HTTPClient: fake.HTTPClient(),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDFAKEFORTESTS", "fake-secret-key", ""),
	})
	out, err := sdk.GetParameter(context.Background(), &ssm.GetParameterInput{Name: aws.String("/foghorn/dev/webhook"), WithDecryption: aws.Bool(true)})
	if err != nil || aws.ToString(out.Parameter.Value) != fakeWebhook {
		t.Fatalf("the SDK read %v, %v", out, err)
	}
	_, err = sdk.GetParameter(context.Background(), &ssm.GetParameterInput{Name: aws.String("/nope"), WithDecryption: aws.Bool(true)})
	var nf *types.ParameterNotFound
	if !errors.As(err, &nf) {
		t.Fatalf("the SDK read a missing parameter as %v", err)
	}
	v, err := own.GetParameter(context.Background(), "/foghorn/dev/webhook")
	if err != nil || v != fakeWebhook {
		t.Fatalf("SSM read %q, %v", v, err)
	}
	if _, err := own.GetParameter(context.Background(), "/nope"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("SSM read a missing parameter as %v", err)
	}
}

func TestStore(t *testing.T) {
	client, fake := fakeSSM(t, map[string]string{"/foghorn/dev/webhook": fakeWebhook, "/foghorn/dev/empty": ""})
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
	if n := fake.Calls(); n != 3 {
		t.Errorf("SSM calls = %d, want 3 (the second read must come from the cache)", n)
	}
	// Fresh reads again, whatever the cache holds.
	if v, err := s.Fresh(ctx, "/foghorn/dev/webhook"); err != nil || v != fakeWebhook {
		t.Errorf("Fresh = %q, %v", v, err)
	}
	if n := fake.Calls(); n != 4 {
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
	_, err := NewStore(NewSSM(testConfig(srv.URL, srv.Client()))).Get(context.Background(), "/foghorn/dev/webhook")
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
	client, fake := fakeSSM(t, map[string]string{})
	s := NewStore(client)
	for _, name := range []string{fakeWebhook, "xoxb-fake token for tests", ""} {
		_, err := s.Get(context.Background(), name)
		if !errors.Is(err, ErrNotAName) {
			t.Errorf("Get(%.30q) = %v, want ErrNotAName", name, err)
		}
		if err != nil && name != "" && strings.Contains(err.Error(), name) {
			t.Errorf("the error repeats the name: %v", err)
		}
	}
	if n := fake.Calls(); n != 0 {
		t.Errorf("%d SSM calls, want none", n)
	}
}

package lambda

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/lambda"
	sdktypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/foghornhq/foghorn/lambda/awsjson"
)

// fakeLambda answers Invoke as Lambda does: 202 for an Event invocation of the one function
// it knows, ResourceNotFoundException for any other. It records what it was sent.
func fakeLambda(t *testing.T, got *[]string) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if !strings.Contains(r.Header.Get("Authorization"), "/lambda/aws4_request") {
			t.Errorf("not signed for lambda: %q", r.Header.Get("Authorization"))
		}
		*got = append(*got, r.Method+" "+r.URL.Path+" "+r.Header.Get("X-Amz-Invocation-Type")+" "+string(body))
		if r.URL.Path != "/2015-03-31/functions/foghorn-actions/invocations" {
			w.Header().Set("X-Amzn-ErrorType", "ResourceNotFoundException")
			w.WriteHeader(404)
			io.WriteString(w, `{"Type":"User","Message":"Function not found"}`)
			return
		}
		w.WriteHeader(202)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func config(srv *httptest.Server) awsjson.Config {
	cfg, _ := awsjson.FromEnv(func(k string) string {
		return map[string]string{"AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "AKIDFAKE", "AWS_SECRET_ACCESS_KEY": "fake", "AWS_ENDPOINT_URL_LAMBDA": srv.URL}[k]
	})
	cfg.HTTP = srv.Client()
	return cfg
}

// TestInvoke: the client asks what the SDK's does (the fake sees the same request from both),
// and reads the answers alike.
func TestInvoke(t *testing.T) {
	var got []string
	srv := fakeLambda(t, &got)
	out, err := New(config(srv)).Invoke(context.Background(), &InvokeInput{FunctionName: aws.String("foghorn-actions"), InvocationType: InvocationTypeEvent, Payload: []byte(`{"job":1}`)})
	if err != nil || out.StatusCode != 202 {
		t.Fatalf("Invoke = %+v, %v", out, err)
	}
	sdkClient := sdk.New(sdk.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), HTTPClient: srv.Client(),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKIDFAKE", SecretAccessKey: "fake"}, nil
		})})
	if _, err := sdkClient.Invoke(context.Background(), &sdk.InvokeInput{FunctionName: aws.String("foghorn-actions"), InvocationType: sdktypes.InvocationTypeEvent, Payload: []byte(`{"job":1}`)}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0] != got[1] {
		t.Errorf("requests differ:\n%q", got)
	}
	_, err = New(config(srv)).Invoke(context.Background(), &InvokeInput{FunctionName: aws.String("other"), InvocationType: InvocationTypeEvent})
	var ae *awsjson.Error
	if !errors.As(err, &ae) || ae.Code != "ResourceNotFoundException" || ae.Status != 404 {
		t.Errorf("unknown function: %v", err)
	}
}

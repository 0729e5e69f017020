package dynamofake

import (
	"net/http/httptest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/foghornhq/foghorn/lambda/awsjson"
)

// Server is a Fake listening on 127.0.0.1. Close it when done.
type Server struct {
	*Fake
	URL string
	ts  *httptest.Server
}

// Start runs a fake on a free port.
func Start(opts Options) *Server {
	f := New(opts)
	ts := httptest.NewServer(f)
	return &Server{Fake: f, URL: ts.URL, ts: ts}
}

// Close stops the server.
func (s *Server) Close() { s.ts.Close() }

// Client returns an SDK client for the fake: a fake region and fake static credentials
// (requests are still SigV4-signed, as the fake requires), response checksums validated,
// and the standard retryer without its backoff waits, which only slow tests against a fake.
// optFns can change any of it.
func (s *Server) Client(optFns ...func(*dynamodb.Options)) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(s.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDFAKEFORTESTS", "fake-secret-key", ""),
		HTTPClient:   s.ts.Client(),
		Retryer: retry.NewStandard(func(o *retry.StandardOptions) {
			o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
		}),
	}, optFns...)
}

// Config aims the notifier's own clients (awsjson) at the fake, as AWS_ENDPOINT_URL_DYNAMODB
// would, with the same fake region and credentials as Client.
func (s *Server) Config() awsjson.Config {
	return awsjson.Config{
		Region:      "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("AKIDFAKEFORTESTS", "fake-secret-key", ""),
		HTTP:        s.ts.Client(),
		Getenv: func(k string) string {
			if k == "AWS_ENDPOINT_URL_DYNAMODB" {
				return s.URL
			}
			return ""
		},
	}
}

// Package awsjson calls the AWS APIs the function uses that speak AWS's JSON protocol (SSM,
// DynamoDB, …): a request is a JSON document POSTed with an X-Amz-Target header naming the
// operation, signed with Signature Version 4, and answered with JSON.
//
// It exists for cold start. Each aws-sdk-go-v2 service package builds tables at program start
// (its schemas: SSM's alone takes about 9 ms), and Go runs every linked package's init
// whether or not its client is ever built, so the function pays for every service package it
// links. The few calls it makes are small, and written here by hand: the same wire protocol,
// the SDK's own signer, credentials and region from the environment Lambda sets, endpoints as
// the SDK resolves them (AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, else the service's
// regional endpoint under its partition's DNS suffix). The repository's fakes check both this
// and the real SDK clients against the same wire protocol.
package awsjson

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/foghornhq/foghorn/lambda/event"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/smithy-go"
	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"

	"github.com/foghornhq/foghorn/lambda/clock"
)

// Service describes one API.
type Service struct {
	// Endpoint is the service's endpoint prefix: "ssm" in ssm.us-east-1.amazonaws.com.
	Endpoint string
	// EnvID is its name in AWS_ENDPOINT_URL_<EnvID>: "SSM", "CLOUDWATCH_LOGS".
	EnvID string
	// SigningName is the name requests are signed for, usually Endpoint.
	SigningName string
	// Target prefixes the operation in X-Amz-Target: "AmazonSSM".
	Target string
	// JSONVersion is the protocol's version: "1.0" or "1.1".
	JSONVersion string
}

// Config is what every client shares: where it runs, as whom, over which HTTP client.
type Config struct {
	Region      string
	Credentials aws.CredentialsProvider
	// HTTP sends requests; nil is http.DefaultClient (connections kept alive across calls).
	HTTP *http.Client
	// Clock signs requests; nil is the system clock.
	Clock clock.Clock
	// Getenv reads endpoint overrides; nil is os.Getenv.
	Getenv func(string) string
}

// FromEnv reads the region and credentials the Lambda runtime sets: AWS_REGION (or
// AWS_DEFAULT_REGION), AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, the
// function role's temporary keys. Its error names what is missing, never a value.
func FromEnv(getenv func(string) string) (Config, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	cfg := Config{Region: getenv("AWS_REGION"), Getenv: getenv}
	if cfg.Region == "" {
		cfg.Region = getenv("AWS_DEFAULT_REGION")
	}
	id, secret := getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY")
	var missing []string
	if cfg.Region == "" {
		missing = append(missing, "AWS_REGION")
	}
	if id == "" {
		missing = append(missing, "AWS_ACCESS_KEY_ID")
	}
	if secret == "" {
		missing = append(missing, "AWS_SECRET_ACCESS_KEY")
	}
	if len(missing) > 0 {
		return Config{}, fmt.Errorf("the environment lacks %s (Lambda sets them for the function's role)", strings.Join(missing, ", "))
	}
	creds := aws.Credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: getenv("AWS_SESSION_TOKEN"), Source: "environment"}
	cfg.Credentials = aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return creds, nil })
	return cfg, nil
}

// Client calls one service.
type Client struct {
	cfg    Config
	svc    Service
	signer *v4.Signer
	// override is the endpoint the environment sets for the service, if any.
	override string
}

// New returns a client of svc.
func New(cfg Config, svc Service) *Client {
	getenv := cfg.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	override := getenv("AWS_ENDPOINT_URL_" + svc.EnvID)
	if override == "" {
		override = getenv("AWS_ENDPOINT_URL")
	}
	if svc.SigningName == "" {
		svc.SigningName = svc.Endpoint
	}
	return &Client{cfg: cfg, svc: svc, signer: v4.NewSigner(), override: strings.TrimRight(override, "/")}
}

// Region is the region calls go to unless one names another.
func (c *Client) Region() string { return c.cfg.Region }

// Endpoint returns the URL requests to region go to.
func (c *Client) Endpoint(region string) string {
	if c.override != "" {
		return c.override
	}
	return "https://" + c.svc.Endpoint + "." + region + "." + DNSSuffix(region)
}

// DNSSuffix is the domain of a region's partition: amazonaws.com, amazonaws.com.cn in China, …
// Which partition a region is in is event.PartitionOfRegion's to say, in one place.
func DNSSuffix(region string) string {
	switch event.PartitionOfRegion(region) {
	case "aws-cn":
		return "amazonaws.com.cn"
	case "aws-iso-b":
		return "sc2s.sgov.gov"
	case "aws-iso-f":
		return "csp.hci.ic.gov"
	case "aws-iso":
		return "c2s.ic.gov"
	case "aws-iso-e":
		return "cloud.adc-e.uk"
	}
	return "amazonaws.com" // aws and aws-us-gov
}

// Error is an answer other than success. It satisfies smithy-go's APIError (ErrorCode,
// ErrorMessage, ErrorFault), as the SDK's errors do.
type Error struct {
	Service, Operation string
	Status             int
	Code               string // the exception's name: "ParameterNotFound"
	Message            string
	// Body is the answer, for the errors that carry data (DynamoDB's conditional check).
	Body []byte
}

func (e *Error) Error() string {
	msg := e.Code
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return fmt.Sprintf("%s %s: %s (HTTP %d)", e.Service, e.Operation, msg, e.Status)
}

// ErrorCode is the exception's name.
func (e *Error) ErrorCode() string { return e.Code }

// ErrorMessage is what the service said.
func (e *Error) ErrorMessage() string { return e.Message }

// ErrorFault says whose fault the error is: the server's for a 5xx answer.
func (e *Error) ErrorFault() smithy.ErrorFault {
	if e.Status >= 500 {
		return smithy.FaultServer
	}
	return smithy.FaultClient
}

// maxAttempts bounds the requests per call, as the SDK's standard retryer does.
const maxAttempts = 3

// Call runs operation op with input in, decoding the answer into out (nil: ignored). region ""
// is the client's. Throttling, server errors and failed connections are retried, twice at
// most, with jittered backoff, as the SDK does.
func (c *Client) Call(ctx context.Context, region, op string, in, out any) error {
	if region == "" {
		region = c.cfg.Region
	}
	body, err := jsonv2.Marshal(in, wire)
	if err != nil {
		return fmt.Errorf("%s %s: %w", c.svc.Endpoint, op, err)
	}
	for attempt := 1; ; attempt++ {
		err := c.once(ctx, region, op, body, out)
		if err == nil || attempt == maxAttempts || !retryable(err) || ctx.Err() != nil {
			return err
		}
		if c.wait(ctx, attempt) != nil {
			return err
		}
	}
}

func (c *Client) once(ctx context.Context, region, op string, body []byte, out any) error {
	header := http.Header{"Content-Type": {"application/x-amz-json-" + c.svc.JSONVersion}, "X-Amz-Target": {c.svc.Target + "." + op}}
	status, data, err := c.send(ctx, region, op, http.MethodPost, "/", header, body)
	if err != nil {
		return err
	}
	if status/100 != 2 {
		return c.jsonError(op, status, header, data)
	}
	if out == nil || len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	if err := jsonv2.Unmarshal(data, out, wire); err != nil {
		return fmt.Errorf("%s %s: decoding the answer: %w", c.svc.Endpoint, op, err)
	}
	return nil
}

// Request is one signed request of an API that is not JSON-protocol (Lambda's REST Invoke,
// SNS's form-encoded Publish): the answer's status, headers and body, an error only when
// none came. Connections failing are tried again, as Call does; answers are the caller's to
// read.
func (c *Client) Request(ctx context.Context, region, op, method, path string, header http.Header, body []byte) (int, http.Header, []byte, error) {
	if region == "" {
		region = c.cfg.Region
	}
	for attempt := 1; ; attempt++ {
		h := header.Clone()
		status, data, err := c.send(ctx, region, op, method, path, h, body)
		if err == nil && (status < 500 || attempt == maxAttempts) {
			return status, h, data, nil
		}
		if attempt == maxAttempts || ctx.Err() != nil {
			return 0, nil, nil, err
		}
		if err := c.wait(ctx, attempt); err != nil {
			return 0, nil, nil, err
		}
	}
}

// wait sleeps before attempt+1, or until ctx is done.
func (c *Client) wait(ctx context.Context, attempt int) error {
	wait := time.Duration(25<<attempt) * time.Millisecond
	wait = wait/2 + rand.N(wait/2)
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// send signs and sends one request; header comes back holding the answer's headers.
func (c *Client) send(ctx context.Context, region, op, method, path string, header http.Header, body []byte) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.Endpoint(region)+path, bytes.NewReader(body))
	if err != nil {
		return 0, nil, fmt.Errorf("%s %s: %w", c.svc.Endpoint, op, err)
	}
	req.Header = header.Clone()
	creds, err := c.cfg.Credentials.Retrieve(ctx)
	if err != nil {
		return 0, nil, fmt.Errorf("%s %s: credentials: %w", c.svc.Endpoint, op, err)
	}
	sum := sha256.Sum256(body)
	if err := c.signer.SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), c.svc.SigningName, region, clock.Or(c.cfg.Clock).Now()); err != nil {
		return 0, nil, fmt.Errorf("%s %s: signing: %w", c.svc.Endpoint, op, err)
	}
	hc := c.cfg.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, nil, &transportError{fmt.Errorf("%s %s: %w", c.svc.Endpoint, op, err)}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return 0, nil, &transportError{fmt.Errorf("%s %s: reading the answer: %w", c.svc.Endpoint, op, err)}
	}
	for k := range header {
		delete(header, k)
	}
	for k, v := range resp.Header {
		header[k] = v
	}
	return resp.StatusCode, data, nil
}

// wire is the JSON the protocol speaks: names matched as encoding/json matches them (the
// APIs write lowerCamel or PascalCase keys; structs here carry Go's names), and timestamps as
// epoch seconds, fractions allowed.
var wire = jsonv2.JoinOptions(
	jsonv1.DefaultOptionsV1(),
	jsonv2.WithMarshalers(jsonv2.MarshalToFunc(func(enc *jsontext.Encoder, t time.Time) error {
		return enc.WriteToken(jsontext.Float(float64(t.UnixNano()) / 1e9))
	})),
	jsonv2.WithUnmarshalers(jsonv2.UnmarshalFromFunc(func(dec *jsontext.Decoder, t *time.Time) error {
		tok, err := dec.ReadToken()
		if err != nil {
			return err
		}
		if tok.Kind() == 'n' {
			return nil
		}
		if tok.Kind() != '0' {
			return fmt.Errorf("timestamp %s is not a number of seconds", tok)
		}
		sec, err := tok.Float()
		if err != nil {
			return err
		}
		whole := math.Floor(sec)
		*t = time.Unix(int64(whole), int64(math.Round((sec-whole)*1e9))).UTC()
		return nil
	})),
)

// jsonError reads an error answer of a JSON API: {"__type": "namespace#Code", "message": "…"},
// or the X-Amzn-ErrorType header.
func (c *Client) jsonError(op string, status int, header http.Header, data []byte) error {
	var doc struct {
		Type     string `json:"__type"`
		Message  string `json:"message"`
		Message2 string `json:"Message"`
		Code     string `json:"code"`
	}
	_ = json.Unmarshal(data, &doc)
	code := cmpOr(header.Get("X-Amzn-ErrorType"), doc.Type, doc.Code)
	if i := strings.IndexByte(code, ':'); i >= 0 {
		code = code[:i]
	}
	if i := strings.LastIndexByte(code, '#'); i >= 0 {
		code = code[i+1:]
	}
	if code == "" {
		code = http.StatusText(status)
	}
	return &Error{Service: c.svc.Endpoint, Operation: op, Status: status, Code: code, Message: cmpOr(doc.Message, doc.Message2), Body: data}
}

// JSONError is the error a JSON API's answer other than success says (REST-JSON APIs like
// Lambda's answer as the JSON protocol does).
func (c *Client) JSONError(op string, status int, header http.Header, data []byte) error {
	return c.jsonError(op, status, header, data)
}

func cmpOr(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// transportError is a call that got no answer: retried.
type transportError struct{ err error }

func (e *transportError) Error() string { return e.err.Error() }
func (e *transportError) Unwrap() error { return e.err }

// throttling are the codes AWS answers when a caller goes too fast.
var throttling = map[string]bool{
	"Throttling": true, "ThrottlingException": true, "ThrottledException": true, "RequestThrottledException": true,
	"TooManyRequestsException": true, "ProvisionedThroughputExceededException": true, "TransactionInProgressException": true,
	"RequestLimitExceeded": true, "BandwidthLimitExceeded": true, "LimitExceededException": true, "RequestThrottled": true,
	"SlowDown": true, "PriorRequestNotComplete": true, "EC2ThrottledException": true,
}

func retryable(err error) bool {
	var te *transportError
	if errors.As(err, &te) {
		return !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
	}
	var ae *Error
	if errors.As(err, &ae) {
		return ae.Status >= 500 || throttling[ae.Code]
	}
	return false
}

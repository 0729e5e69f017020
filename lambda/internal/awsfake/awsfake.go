package awsfake

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"github.com/foghornhq/foghorn/lambda/awsjson"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"
)

// The account and region the shipped fixtures live in.
const (
	Account = "111122223333"
	Region  = "us-east-1"
)

// Credentials are obviously fake static keys: the fakes check that requests
// are signed, not with what.
var Credentials = credentials.NewStaticCredentialsProvider("AKIDFAKEEXAMPLE", "fake-secret-access-key-for-tests", "")

// Fault is an error answer as AWS sends it: an HTTP status and a JSON body naming the error.
type Fault struct {
	Status  int    // HTTP status; 400 when zero
	Type    string // the __type: AccessDeniedException, ResourceNotFoundException, …
	Message string
}

// AccessDenied is IAM's answer to a role that may not perform action on resource.
func AccessDenied(action, resource string) Fault {
	return Fault{Type: "AccessDeniedException", Message: "User: arn:aws:sts::" + Account +
		":assumed-role/foghorn-notifier/foghorn-notifier is not authorized to perform: " + action +
		" on resource: " + resource + " because no identity-based policy allows the " + action + " action"}
}

// Throttled is the answer to a caller over its request rate; the SDK retries it.
func Throttled() Fault {
	return Fault{Type: "ThrottlingException", Message: "Rate exceeded"}
}

// Unavailable is a server-side failure; the SDK retries it.
func Unavailable() Fault {
	return Fault{Status: http.StatusServiceUnavailable, Type: "ServiceUnavailableException", Message: "The service is unavailable. Please try again later."}
}

// endpoint is what both fakes share: the server, transport checks, problems and latency.
type endpoint struct {
	srv         *httptest.Server
	service     string // X-Amz-Target prefix: Logs_20140328, AmazonEC2ContainerServiceV20141113
	signingName string // the service in the SigV4 credential scope: logs, ecs
	contentType string // the protocol's; "" for awsJson1_1's application/x-amz-json-1.1
	closed      chan struct{}
	closeOnce   sync.Once

	// problems has a lock of its own so that a fake may record one while it holds mu.
	problemsMu sync.Mutex
	problems   []string

	mu    sync.Mutex
	hold  bool
	delay time.Duration
	calls int
}

// request is an authenticated call as the transport checks see it.
type request struct {
	op     string // the operation after the target prefix
	region string // from the SigV4 credential scope
	body   []byte
}

func (e *endpoint) start(handle func(w http.ResponseWriter, r *http.Request)) {
	e.closed = make(chan struct{})
	e.srv = httptest.NewServer(http.HandlerFunc(handle))
}

// URL is the endpoint to give a client as BaseEndpoint.
func (e *endpoint) URL() string { return e.srv.URL }

// Config aims the notifier's own clients (awsjson) at the endpoint, as AWS_ENDPOINT_URL_<SERVICE>
// would, in Region and signed with Credentials.
func (e *endpoint) Config() awsjson.Config {
	return awsjson.Config{Region: Region, Credentials: Credentials, HTTP: e.srv.Client(), Getenv: func(string) string { return e.srv.URL }}
}

// HTTPClient is an HTTP client for the endpoint.
func (e *endpoint) HTTPClient() *http.Client { return e.srv.Client() }

// Close releases held requests and shuts the server down.
func (e *endpoint) Close() {
	e.closeOnce.Do(func() { close(e.closed) })
	e.srv.Close()
}

// Problems lists the requests a real endpoint would have rejected as malformed, and why.
func (e *endpoint) Problems() []string {
	e.problemsMu.Lock()
	defer e.problemsMu.Unlock()
	return append([]string(nil), e.problems...)
}

// Calls counts the requests received, well-formed or not.
func (e *endpoint) Calls() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.calls
}

// Hold makes every request wait, unanswered, until its client gives up or the fake closes:
// an endpoint that is slower than any budget.
func (e *endpoint) Hold(on bool) {
	e.mu.Lock()
	e.hold = on
	e.mu.Unlock()
}

// SetDelay makes every request wait d before it is answered (less if the client gives up).
func (e *endpoint) SetDelay(d time.Duration) {
	e.mu.Lock()
	e.delay = d
	e.mu.Unlock()
}

func (e *endpoint) problem(format string, args ...any) {
	e.problemsMu.Lock()
	e.problems = append(e.problems, fmt.Sprintf(format, args...))
	e.problemsMu.Unlock()
}

// accept runs the transport checks and the scripted latency. It answers the request itself
// and returns false when the request goes no further.
func (e *endpoint) accept(w http.ResponseWriter, r *http.Request) (request, bool) {
	e.mu.Lock()
	e.calls++
	hold, delay := e.hold, e.delay
	e.mu.Unlock()

	var req request
	reject := func(status int, typ, msg, why string) (request, bool) {
		e.problem("%s: %s", r.Header.Get("X-Amz-Target"), why)
		writeFault(w, Fault{Status: status, Type: typ, Message: msg})
		return req, false
	}
	if r.Method != http.MethodPost || r.URL.Path != "/" {
		return reject(http.StatusNotFound, "UnknownOperationException", "", r.Method+" "+r.URL.Path+": awsJson1_1 is POST /")
	}
	op, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), e.service+".")
	if !ok || op == "" {
		return reject(http.StatusBadRequest, "UnknownOperationException", "", "X-Amz-Target does not name a "+e.service+" operation")
	}
	req.op = op
	if ct, want := r.Header.Get("Content-Type"), cmp.Or(e.contentType, "application/x-amz-json-1.1"); ct != want {
		return reject(http.StatusBadRequest, "SerializationException", "", "Content-Type "+ct+", want "+want)
	}
	region, service, err := credentialScope(r.Header.Get("Authorization"))
	if err != nil {
		return reject(http.StatusBadRequest, "MissingAuthenticationTokenException", "Missing Authentication Token", err.Error())
	}
	if service != e.signingName {
		return reject(http.StatusForbidden, "InvalidSignatureException", "Credential should be scoped to correct service: '"+e.signingName+"'.",
			"signed for service "+service+", want "+e.signingName)
	}
	req.region = region
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if !json.Valid(body) || len(body) == 0 || body[0] != '{' {
		return reject(http.StatusBadRequest, "SerializationException", "", fmt.Sprintf("body is not a JSON object: %q", body))
	}
	req.body = body

	if !e.wait(r.Context(), hold, delay) {
		return req, false // the client gave up: nobody reads an answer
	}
	return req, true
}

// wait holds or delays a request; false means the client or the fake went away first.
func (e *endpoint) wait(ctx context.Context, hold bool, delay time.Duration) bool {
	if hold {
		select {
		case <-ctx.Done():
		case <-e.closed:
		}
		return false
	}
	if delay <= 0 {
		return true
	}
	t := time.NewTimer(delay)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
	case <-e.closed:
	}
	return false
}

// credentialScope reads region and service from a SigV4 Authorization header:
// "AWS4-HMAC-SHA256 Credential=AKID/20240314/us-east-1/logs/aws4_request, SignedHeaders=…, Signature=…".
func credentialScope(auth string) (region, service string, err error) {
	rest, ok := strings.CutPrefix(auth, "AWS4-HMAC-SHA256 Credential=")
	if !ok {
		return "", "", fmt.Errorf("request is not SigV4-signed")
	}
	scope, _, _ := strings.Cut(rest, ",")
	parts := strings.Split(scope, "/")
	if len(parts) != 5 || parts[4] != "aws4_request" {
		return "", "", fmt.Errorf("malformed credential scope %q", scope)
	}
	if !strings.Contains(auth, "Signature=") {
		return "", "", fmt.Errorf("Authorization has no signature")
	}
	return parts[2], parts[3], nil
}

// refuse answers fault to a call the real service would refuse as malformed, and records why.
func (e *endpoint) refuse(w http.ResponseWriter, op string, fault Fault, why string) {
	e.problem("%s: %s", op, why)
	writeFault(w, fault)
}

// invalid refuses a call with InvalidParameterException saying msg.
func (e *endpoint) invalid(w http.ResponseWriter, op, why, msg string) {
	e.refuse(w, op, Fault{Type: "InvalidParameterException", Message: msg}, why)
}

// decode reads the call's body into in. A body of the wrong shape is refused with a
// SerializationException, and decode reports false.
func (e *endpoint) decode(w http.ResponseWriter, req request, in any) bool {
	if err := json.Unmarshal(req.body, in); err != nil {
		e.refuse(w, req.op, Fault{Type: "SerializationException", Message: err.Error()}, err.Error())
		return false
	}
	return true
}

// unsupported answers an operation the fake does not answer (of those it names), with the
// protocol's error type for that.
func (e *endpoint) unsupported(w http.ResponseWriter, op, typ, answers string) {
	e.refuse(w, op, Fault{Type: typ}, "the fake answers only "+answers)
}

func writeFault(w http.ResponseWriter, f Fault) {
	status := f.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-Requestid", "00000000-0000-4000-8000-000000000000")
	w.WriteHeader(status)
	body := map[string]string{"__type": f.Type}
	if f.Message != "" {
		body["message"] = f.Message
	}
	json.NewEncoder(w).Encode(body)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-Requestid", "00000000-0000-4000-8000-000000000000")
	json.NewEncoder(w).Encode(v)
}

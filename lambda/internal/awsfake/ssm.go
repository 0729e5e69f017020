package awsfake

import (
	"net/http"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// SSM is a fake AWS Systems Manager Parameter Store endpoint answering GetParameter over
// awsJson1_1, as aws-sdk-go-v2 speaks it. Its parameters are SecureStrings: a call without
// WithDecryption gets the value still encrypted, as from SSM, and is recorded in Problems,
// since the notifier must always ask for it decrypted. Tests hold it to the SDK's client with
// package sdkclient.
type SSM struct {
	endpoint
	params map[string]string
	asked  []string
}

// encrypted stands for a SecureString's ciphertext, what SSM answers without WithDecryption.
const encrypted = "AQICAHfakeEncryptedValueForTests=="

// NewSSM starts a fake SSM endpoint holding params, by name. Close it when done.
func NewSSM(params map[string]string) *SSM {
	f := &SSM{endpoint: endpoint{service: "AmazonSSM", signingName: "ssm"}, params: map[string]string{}}
	for name, v := range params {
		f.params[name] = v
	}
	f.start(f.serve)
	return f
}

// Set makes name hold value from the next call on.
func (f *SSM) Set(name, value string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.params[name] = value
}

// Asked lists the names of the well-formed GetParameter calls, in order.
func (f *SSM) Asked() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.asked)
}

func (f *SSM) serve(w http.ResponseWriter, r *http.Request) {
	req, ok := f.accept(w, r)
	if !ok {
		return
	}
	if req.op != "GetParameter" {
		f.unsupported(w, req.op, "UnknownOperationException", "GetParameter")
		return
	}
	var in struct {
		Name           *string `json:"Name"`
		WithDecryption *bool   `json:"WithDecryption"`
	}
	if !f.decode(w, req, &in) {
		return
	}
	if in.Name == nil || *in.Name == "" {
		f.refuse(w, req.op, Fault{Type: "ValidationException", Message: "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null"}, "without Name")
		return
	}
	name := *in.Name
	f.mu.Lock()
	f.asked = append(f.asked, name)
	v, found := f.params[name]
	f.mu.Unlock()
	if !found {
		writeFault(w, Fault{Type: "ParameterNotFound", Message: "Parameter not found."})
		return
	}
	if !aws.ToBool(in.WithDecryption) {
		f.problem("GetParameter %s without WithDecryption: a SecureString comes back encrypted", name)
		v = encrypted
	}
	writeJSON(w, map[string]any{"Parameter": map[string]any{
		"Name": name, "Type": "SecureString", "Value": v, "Version": 1,
		"ARN": "arn:aws:ssm:" + req.region + ":" + Account + ":parameter/" + strings.TrimPrefix(name, "/"),
	}})
}

package awsfake

import (
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	ownsns "github.com/foghornhq/foghorn/lambda/awsjson/sns"
)

// Published is one message the SNS fake accepted.
type Published struct {
	TopicArn string
	Subject  string
	Message  string
	Region   string // from the SigV4 credential scope
}

// SNS is a fake SNS endpoint answering Publish. SNS speaks the query protocol: a form-encoded
// POST naming Action and Version, answered in XML. It checks what SNS refuses (an unknown
// topic, a subject that is not one line of printable ASCII up to 100 characters, an empty
// message or one over 256 KB) and answers as SNS does; Deny makes every publish to a topic
// fail as IAM's refusal does.
type SNS struct {
	endpoint
	topics    map[string]bool
	denied    map[string]bool
	published []Published
}

// NewSNS starts a fake SNS endpoint holding the given topics. Close it when done.
func NewSNS(topics ...string) *SNS {
	f := &SNS{endpoint: endpoint{service: "sns", signingName: "sns"}, topics: map[string]bool{}, denied: map[string]bool{}}
	for _, t := range topics {
		f.topics[t] = true
	}
	f.start(f.serve)
	return f
}

// Client returns the notifier's own client (awsjson) for the fake, in Region, signed with
// Credentials.
func (f *SNS) Client() *ownsns.Client { return ownsns.New(f.Config()) }

// Deny makes publishing to topic fail with SNS's AuthorizationError.
func (f *SNS) Deny(topic string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.denied[topic] = true
}

// Published lists the messages accepted, in order.
func (f *SNS) Published() []Published {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Published(nil), f.published...)
}

type snsError struct {
	status    int
	typ, code string
	message   string
}

func (f *SNS) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.calls++
	f.mu.Unlock()
	fail := func(e snsError, why string) {
		if why != "" {
			f.problem("sns %s", why)
		}
		writeSNSError(w, e)
	}
	if r.Method != http.MethodPost || r.URL.Path != "/" {
		fail(snsError{status: http.StatusNotFound, typ: "Sender", code: "InvalidAction"}, r.Method+" "+r.URL.Path+": the query protocol is POST /")
		return
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/x-www-form-urlencoded") {
		fail(snsError{status: http.StatusBadRequest, typ: "Sender", code: "InvalidParameterValue"}, "Content-Type "+ct+", want application/x-www-form-urlencoded")
		return
	}
	region, service, err := credentialScope(r.Header.Get("Authorization"))
	if err != nil {
		fail(snsError{status: http.StatusForbidden, typ: "Sender", code: "MissingAuthenticationToken"}, err.Error())
		return
	}
	if service != f.signingName {
		fail(snsError{status: http.StatusForbidden, typ: "Sender", code: "SignatureDoesNotMatch"}, "signed for service "+service+", want sns")
		return
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	form, err := url.ParseQuery(string(body))
	if err != nil {
		fail(snsError{status: http.StatusBadRequest, typ: "Sender", code: "MalformedQueryString"}, "body is not a form: "+err.Error())
		return
	}
	if form.Get("Action") != "Publish" || form.Get("Version") != "2010-03-31" {
		fail(snsError{status: http.StatusBadRequest, typ: "Sender", code: "InvalidAction"}, fmt.Sprintf("Action %q Version %q, want Publish 2010-03-31", form.Get("Action"), form.Get("Version")))
		return
	}
	p := Published{TopicArn: form.Get("TopicArn"), Subject: form.Get("Subject"), Message: form.Get("Message"), Region: region}
	f.mu.Lock()
	exists, denied := f.topics[p.TopicArn], f.denied[p.TopicArn]
	f.mu.Unlock()
	switch {
	case denied:
		fail(snsError{status: http.StatusForbidden, typ: "Sender", code: "AuthorizationError",
			message: "User: arn:aws:sts::" + Account + ":assumed-role/foghorn-notifier/foghorn-notifier is not authorized to perform: SNS:Publish on resource: " + p.TopicArn +
				" because no identity-based policy allows the SNS:Publish action"}, "")
		return
	case !exists:
		fail(snsError{status: http.StatusNotFound, typ: "Sender", code: "NotFound", message: "Topic does not exist"}, "publish to unknown topic "+p.TopicArn)
		return
	case p.Message == "" || len(p.Message) > 256*1024:
		fail(snsError{status: http.StatusBadRequest, typ: "Sender", code: "InvalidParameter", message: "Invalid parameter: Message"}, fmt.Sprintf("message of %d bytes", len(p.Message)))
		return
	case form.Has("Subject") && !snsSubject(p.Subject):
		fail(snsError{status: http.StatusBadRequest, typ: "Sender", code: "InvalidParameter", message: "Invalid parameter: Subject"}, fmt.Sprintf("subject %q", p.Subject))
		return
	}
	f.mu.Lock()
	f.published = append(f.published, p)
	n := len(f.published)
	f.mu.Unlock()
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprintf(w, `<PublishResponse xmlns="https://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>00000000-0000-4000-8000-%012d</MessageId></PublishResult><ResponseMetadata><RequestId>00000000-0000-4000-8000-000000000000</RequestId></ResponseMetadata></PublishResponse>`, n)
}

// snsSubject is SNS's rule for a subject: 1 to 100 printable ASCII characters, no line
// break, starting with a letter, digit or punctuation.
func snsSubject(s string) bool {
	if s == "" || len(s) > 100 || s[0] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

func writeSNSError(w http.ResponseWriter, e snsError) {
	type errXML struct {
		Type    string `xml:"Type"`
		Code    string `xml:"Code"`
		Message string `xml:"Message,omitempty"`
	}
	type resp struct {
		XMLName   xml.Name `xml:"ErrorResponse"`
		XMLNS     string   `xml:"xmlns,attr"`
		Error     errXML   `xml:"Error"`
		RequestID string   `xml:"RequestId"`
	}
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(e.status)
	xml.NewEncoder(w).Encode(resp{XMLNS: "https://sns.amazonaws.com/doc/2010-03-31/", Error: errXML{Type: e.typ, Code: e.code, Message: e.message}, RequestID: "00000000-0000-4000-8000-000000000000"})
}

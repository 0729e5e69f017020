package awsfake

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"unicode/utf8"

	ownsqs "github.com/foghornhq/foghorn/lambda/awsjson/sqs"
)

// MaxSQSBody is the message size the fake enforces: SQS's classic 256 KiB.
const MaxSQSBody = 256 * 1024

// SQSMessage is one message the fake accepted.
type SQSMessage struct {
	QueueURL string
	Body     string
	Region   string // from the SigV4 credential scope
}

// SQS is a fake Amazon SQS endpoint answering SendMessage over SQS's JSON protocol
// (awsJson1_0), as aws-sdk-go-v2 speaks it. It holds what it accepted, refuses what SQS
// would (a body over MaxSQSBody, characters SQS does not allow, an unknown queue), and can
// fail the next requests on demand.
type SQS struct {
	endpoint
	queues map[string]bool
	msgs   []SQSMessage
	fail   []Fault // answers for the next requests, in order
}

// NewSQS starts a fake SQS endpoint with the given queue URLs. Close it when done.
func NewSQS(queueURLs ...string) *SQS {
	f := &SQS{endpoint: endpoint{service: "AmazonSQS", signingName: "sqs", contentType: "application/x-amz-json-1.0"}, queues: map[string]bool{}}
	for _, q := range queueURLs {
		f.queues[q] = true
	}
	f.start(f.serve)
	return f
}

// Client returns the notifier's own client (awsjson) for the fake, in Region, signed with
// Credentials.
func (f *SQS) Client() *ownsqs.Client { return ownsqs.New(f.Config()) }

// FailNext makes the next len(faults) requests fail with these faults, in order.
func (f *SQS) FailNext(faults ...Fault) {
	f.mu.Lock()
	f.fail = append(f.fail, faults...)
	f.mu.Unlock()
}

// Messages returns the messages accepted so far.
func (f *SQS) Messages() []SQSMessage {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]SQSMessage(nil), f.msgs...)
}

func (f *SQS) serve(w http.ResponseWriter, r *http.Request) {
	req, ok := f.accept(w, r)
	if !ok {
		return
	}
	if req.op != "SendMessage" {
		f.unsupported(w, req.op, "UnsupportedOperation", "SendMessage")
		return
	}
	var in struct {
		QueueURL    *string `json:"QueueUrl"`
		MessageBody *string `json:"MessageBody"`
	}
	if !f.decode(w, req, &in) {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.fail) > 0 {
		fault := f.fail[0]
		f.fail = f.fail[1:]
		writeFault(w, fault)
		return
	}
	switch {
	case in.QueueURL == nil || !f.queues[*in.QueueURL]:
		writeFault(w, Fault{Type: "AWS.SimpleQueueService.NonExistentQueue", Message: "The specified queue does not exist."})
		return
	case in.MessageBody == nil || *in.MessageBody == "":
		f.refuse(w, req.op, Fault{Type: "MissingParameter", Message: "The request must contain the parameter MessageBody."}, "without a body")
		return
	case len(*in.MessageBody) > MaxSQSBody:
		f.refuse(w, req.op, Fault{Type: "InvalidParameterValue", Message: fmt.Sprintf("One or more parameters are invalid. Reason: Message must be shorter than %d bytes.", MaxSQSBody)},
			fmt.Sprintf("a body of %d bytes, over SQS's %d", len(*in.MessageBody), MaxSQSBody))
		return
	case !sqsChars(*in.MessageBody):
		f.refuse(w, req.op, Fault{Type: "InvalidMessageContents", Message: "Invalid characters found."}, "the body holds characters SQS refuses")
		return
	}
	f.msgs = append(f.msgs, SQSMessage{QueueURL: *in.QueueURL, Body: *in.MessageBody, Region: req.region})
	sum := md5.Sum([]byte(*in.MessageBody))
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	json.NewEncoder(w).Encode(map[string]string{
		"MessageId":        fmt.Sprintf("00000000-0000-4000-8000-%012d", len(f.msgs)),
		"MD5OfMessageBody": hex.EncodeToString(sum[:]),
	})
}

// sqsChars: #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF.
func sqsChars(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		switch {
		case r == 0x9 || r == 0xA || r == 0xD:
		case r >= 0x20 && r <= 0xD7FF, r >= 0xE000 && r <= 0xFFFD, r >= 0x10000 && r <= 0x10FFFF:
		default:
			return false
		}
	}
	return true
}

package dynamofake

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Error types, as DynamoDB writes them in "__type".
const (
	ConditionalCheckFailed        = "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException"
	ProvisionedThroughputExceeded = "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException"
	ResourceNotFound              = "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"
	InternalServerError           = "com.amazonaws.dynamodb.v20120810#InternalServerError"
	Validation                    = "com.amazon.coral.validate#ValidationException"
	Serialization                 = "com.amazon.coral.service#SerializationException"
	UnknownOperation              = "com.amazon.coral.service#UnknownOperationException"
	MissingAuthenticationToken    = "com.amazon.coral.service#MissingAuthenticationTokenException"
)

const (
	// TargetPrefix is the X-Amz-Target of every DynamoDB call, before the operation name.
	TargetPrefix = "DynamoDB_20120810."
	contentType  = "application/x-amz-json-1.0"

	// DefaultPartitionKey and DefaultTTLAttribute are the state table's (state.AttrKey,
	// state.AttrExpires); this package does not import state so that state's own tests can
	// use it.
	DefaultPartitionKey = "pk"
	DefaultTTLAttribute = "expires"

	maxItemSize = 400 * 1024
	maxBody     = 1 << 20
)

// Options configure a Fake.
type Options struct {
	// Table is the one table that exists; requests naming another get ResourceNotFound.
	Table string
	// PartitionKey is the key schema: one string attribute. "" means DefaultPartitionKey.
	PartitionKey string
	// TTLAttribute is what Sweep deletes by. "" means DefaultTTLAttribute.
	TTLAttribute string
	// Latency delays every answer (on the real clock, as a slow network would).
	Latency time.Duration
	// OnRequest, if set, sees every request as it completes (the demo prints them).
	OnRequest func(Request)
}

// Fault is one scripted misbehaviour, consumed by one matching request.
type Fault struct {
	// Op limits the fault to "GetItem" or "PutItem"; "" matches either.
	Op string
	// Type is the error's "__type", e.g. ProvisionedThroughputExceeded; "" means no error:
	// the request goes on to its normal answer after Delay.
	Type string
	// Status defaults to 500 for InternalServerError and 400 otherwise.
	Status  int
	Message string
	// Delay holds the request back first (on the real clock).
	Delay time.Duration
	// Lost lets the operation take effect, then answers with the error instead: the answer
	// was lost on the way back, and the SDK's retry meets its own write.
	Lost bool
}

// Request is one recorded request and how it was answered.
type Request struct {
	Seq            int
	Op             string // "GetItem", "PutItem", or the target as sent when unknown
	Table          string
	Key            string // the partition key's value
	ConsistentRead bool
	Condition      string
	Names          map[string]string
	Values         map[string]Value
	Item           map[string]Value // PutItem's item
	// ReturnOnConflict is PutItem's ReturnValuesOnConditionCheckFailure.
	ReturnOnConflict string
	Status           int
	// Error is the short error type ("ConditionalCheckFailedException"); "" for success.
	Error   string
	Message string
	// Fault is true when an injected fault shaped the answer.
	Fault bool
}

type queued struct {
	n int
	f Fault
}

// Fake is the handler. Safe for concurrent use; every request is applied atomically.
type Fake struct {
	opts Options

	mu       sync.Mutex
	items    map[string]map[string]Value
	faults   []queued
	requests []Request
}

// New returns a fake holding an empty table. It panics without a table name.
func New(opts Options) *Fake {
	if opts.Table == "" {
		panic("dynamofake: Options.Table is required")
	}
	if opts.PartitionKey == "" {
		opts.PartitionKey = DefaultPartitionKey
	}
	if opts.TTLAttribute == "" {
		opts.TTLAttribute = DefaultTTLAttribute
	}
	return &Fake{opts: opts, items: map[string]map[string]Value{}}
}

// Requests returns what was received so far, in order.
func (f *Fake) Requests() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Request(nil), f.requests...)
}

// Item returns a copy of the stored item, expired or not.
func (f *Fake) Item(key string) (map[string]Value, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	it, ok := f.items[key]
	return cloneItem(it), ok
}

// Seed stores an item as given, unchecked apart from its key: tests use it to plant what
// the client would never write.
func (f *Fake) Seed(item map[string]Value) {
	k, ok := item[f.opts.PartitionKey]
	if !ok || k.Type != "S" {
		panic("dynamofake: Seed needs a string " + f.opts.PartitionKey)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.items[k.S] = cloneItem(item)
}

// Sweep does what DynamoDB's TTL process does eventually: it deletes the items whose TTL
// attribute (epoch seconds) is before now, and returns how many.
func (f *Fake) Sweep(now time.Time) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for k, it := range f.items {
		v, ok := it[f.opts.TTLAttribute]
		if !ok || v.Type != "N" {
			continue
		}
		if c, _ := compare(v, Num(strconv.FormatInt(now.Unix(), 10))); c < 0 {
			delete(f.items, k)
			n++
		}
	}
	return n
}

// Inject queues a fault for the next n matching requests.
func (f *Fake) Inject(n int, fault Fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults = append(f.faults, queued{n: n, f: fault})
}

// Throttle makes the next n requests fail with ProvisionedThroughputExceededException.
func (f *Fake) Throttle(n int) {
	f.Inject(n, Fault{Type: ProvisionedThroughputExceeded,
		Message: "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API."})
}

// takeFault consumes the first queued fault matching op.
func (f *Fake) takeFault(op string) (Fault, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.faults {
		q := &f.faults[i]
		if q.f.Op != "" && q.f.Op != op {
			continue
		}
		fault := q.f
		if q.n--; q.n <= 0 {
			f.faults = append(f.faults[:i], f.faults[i+1:]...)
		}
		if fault.Status == 0 {
			fault.Status = http.StatusBadRequest
			if fault.Type == InternalServerError {
				fault.Status = http.StatusInternalServerError
			}
		}
		return fault, true
	}
	return Fault{}, false
}

// apiError is an answer in DynamoDB's error shape.
type apiError struct {
	status int
	typ    string
	msg    string
	item   map[string]Value // ConditionalCheckFailed with ReturnValuesOnConditionCheckFailure ALL_OLD
}

func (e *apiError) Error() string { return e.typ + ": " + e.msg }

func validation(format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, typ: Validation, msg: fmt.Sprintf(format, args...)}
}

func shortType(typ string) string {
	if i := strings.LastIndex(typ, "#"); i >= 0 {
		return typ[i+1:]
	}
	return typ
}

// ServeHTTP answers one DynamoDB call.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := Request{Op: strings.TrimPrefix(r.Header.Get("X-Amz-Target"), TargetPrefix)}
	out, aerr := f.serve(w, r, &rec)
	if aerr != nil {
		rec.Status, rec.Error, rec.Message = aerr.status, shortType(aerr.typ), aerr.msg
		body := map[string]any{"__type": aerr.typ, "message": aerr.msg}
		if aerr.item != nil {
			body["Item"] = aerr.item
		}
		out = body
	} else {
		rec.Status = http.StatusOK
	}
	b, err := json.Marshal(out)
	if err != nil {
		// Only a Value of unknown type could fail, and every stored Value was decoded.
		panic("dynamofake: encoding an answer: " + err.Error())
	}
	f.mu.Lock()
	rec.Seq = len(f.requests) + 1
	f.requests = append(f.requests, rec)
	f.mu.Unlock()
	if f.opts.OnRequest != nil {
		f.opts.OnRequest(rec)
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("X-Amz-Crc32", strconv.FormatUint(uint64(crc32.ChecksumIEEE(b)), 10))
	w.Header().Set("X-Amzn-Requestid", fmt.Sprintf("FAKE%08d", rec.Seq))
	w.WriteHeader(rec.Status)
	w.Write(b)
}

func (f *Fake) serve(w http.ResponseWriter, r *http.Request, rec *Request) (any, *apiError) {
	if r.Method != http.MethodPost || r.URL.Path != "/" {
		return nil, &apiError{status: http.StatusNotFound, typ: UnknownOperation,
			msg: fmt.Sprintf("DynamoDB takes POST /, not %s %s", r.Method, r.URL.Path)}
	}
	if ct := r.Header.Get("Content-Type"); ct != contentType {
		return nil, &apiError{status: http.StatusBadRequest, typ: Serialization,
			msg: fmt.Sprintf("Content-Type %q, want %q", ct, contentType)}
	}
	// A presence check only: the fake holds no secret to verify a signature with.
	if auth := r.Header.Get("Authorization"); !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 Credential=") ||
		!strings.Contains(auth, "/dynamodb/aws4_request") {
		return nil, &apiError{status: http.StatusBadRequest, typ: MissingAuthenticationToken,
			msg: "Request is missing Authentication Token (a SigV4 signature for the dynamodb service)"}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		return nil, &apiError{status: http.StatusRequestEntityTooLarge, typ: Serialization, msg: err.Error()}
	}
	target := r.Header.Get("X-Amz-Target")
	op, ok := strings.CutPrefix(target, TargetPrefix)
	if !ok || (op != "GetItem" && op != "PutItem") {
		return nil, &apiError{status: http.StatusBadRequest, typ: UnknownOperation,
			msg: fmt.Sprintf("the fake models %sGetItem and %sPutItem, not %q", TargetPrefix, TargetPrefix, target)}
	}

	fault, faulty := f.takeFault(op)
	delay := f.opts.Latency
	if faulty {
		delay += fault.Delay
	}
	if delay > 0 {
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return nil, &apiError{status: http.StatusRequestTimeout, typ: InternalServerError, msg: "the client left"}
		}
	}
	var ferr *apiError // the fault's answer, if it has one
	if faulty {
		rec.Fault = true
		if fault.Type != "" {
			ferr = &apiError{status: fault.Status, typ: fault.Type, msg: fault.Message}
		}
	}
	if ferr != nil && !fault.Lost {
		return nil, ferr
	}

	var out any
	var aerr *apiError
	switch op {
	case "GetItem":
		out, aerr = f.getItem(body, rec)
	case "PutItem":
		out, aerr = f.putItem(body, rec)
	}
	if ferr != nil {
		return nil, ferr
	}
	return out, aerr
}

// decode reads a request body into in, telling malformed JSON (SerializationException)
// from fields the fake does not model and bad attribute values (ValidationException).
func decode(body []byte, op string, in any) *apiError {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(in); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se), errors.As(err, &te), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			return &apiError{status: http.StatusBadRequest, typ: Serialization, msg: err.Error()}
		case strings.HasPrefix(err.Error(), "json: unknown field"):
			return validation("the fake does not model this %s parameter: %v", op, err)
		}
		return validation("One or more parameter values were invalid: %v", err)
	}
	return nil
}

func (f *Fake) checkTable(name *string) *apiError {
	if name == nil {
		return validation("1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null")
	}
	if *name != f.opts.Table {
		return &apiError{status: http.StatusBadRequest, typ: ResourceNotFound, msg: "Requested resource not found"}
	}
	return nil
}

// keyOf checks the key schema: the partition key, a non-empty string.
func (f *Fake) keyOf(attrs map[string]Value, isItem bool) (string, *apiError) {
	pk := f.opts.PartitionKey
	v, ok := attrs[pk]
	switch {
	case !ok && isItem:
		return "", validation("One or more parameter values were invalid: Missing the key %s in the item", pk)
	case !ok || (!isItem && len(attrs) != 1):
		return "", validation("The provided key element does not match the schema")
	case v.Type != "S":
		return "", validation("One or more parameter values were invalid: Type mismatch for key %s expected: S actual: %s", pk, v.Type)
	case v.S == "":
		return "", validation("One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: %s", pk)
	}
	return v.S, nil
}

type getItemInput struct {
	TableName              *string
	Key                    map[string]Value
	ConsistentRead         *bool
	ReturnConsumedCapacity string
}

func (f *Fake) getItem(body []byte, rec *Request) (any, *apiError) {
	var in getItemInput
	if err := decode(body, "GetItem", &in); err != nil {
		return nil, err
	}
	if in.TableName != nil {
		rec.Table = *in.TableName
	}
	rec.ConsistentRead = in.ConsistentRead != nil && *in.ConsistentRead
	if err := f.checkTable(in.TableName); err != nil {
		return nil, err
	}
	if in.ReturnConsumedCapacity != "" && in.ReturnConsumedCapacity != "NONE" {
		return nil, validation("the fake does not model ReturnConsumedCapacity %s", in.ReturnConsumedCapacity)
	}
	key, err := f.keyOf(in.Key, false)
	rec.Key = key
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	it := cloneItem(f.items[key])
	f.mu.Unlock()
	if it == nil {
		return struct{}{}, nil
	}
	return map[string]any{"Item": it}, nil
}

type putItemInput struct {
	TableName                           *string
	Item                                map[string]Value
	ConditionExpression                 *string
	ExpressionAttributeNames            map[string]string
	ExpressionAttributeValues           map[string]Value
	ReturnConsumedCapacity              string
	ReturnItemCollectionMetrics         string
	ReturnValues                        string
	ReturnValuesOnConditionCheckFailure string
}

func (f *Fake) putItem(body []byte, rec *Request) (any, *apiError) {
	var in putItemInput
	if err := decode(body, "PutItem", &in); err != nil {
		return nil, err
	}
	if in.TableName != nil {
		rec.Table = *in.TableName
	}
	if in.ConditionExpression != nil {
		rec.Condition = *in.ConditionExpression
	}
	rec.Names, rec.Values, rec.Item = in.ExpressionAttributeNames, in.ExpressionAttributeValues, in.Item
	rec.ReturnOnConflict = in.ReturnValuesOnConditionCheckFailure
	if err := f.checkTable(in.TableName); err != nil {
		return nil, err
	}
	for name, v := range map[string]string{
		"ReturnConsumedCapacity":      in.ReturnConsumedCapacity,
		"ReturnItemCollectionMetrics": in.ReturnItemCollectionMetrics,
		"ReturnValues":                in.ReturnValues,
	} {
		if v != "" && v != "NONE" {
			return nil, validation("the fake does not model %s %s", name, v)
		}
	}
	switch in.ReturnValuesOnConditionCheckFailure {
	case "", "NONE", "ALL_OLD":
	default:
		return nil, validation("1 validation error detected: Value '%s' at 'returnValuesOnConditionCheckFailure' failed to satisfy constraint: Member must satisfy enum value set: [ALL_OLD, NONE]", in.ReturnValuesOnConditionCheckFailure)
	}
	key, err := f.keyOf(in.Item, true)
	rec.Key = key
	if err != nil {
		return nil, err
	}
	size := 0
	for name, v := range in.Item {
		size += len(name) + v.size()
	}
	if size > maxItemSize {
		return nil, validation("Item size has exceeded the maximum allowed size")
	}

	var cond condition
	if in.ConditionExpression == nil {
		if in.ExpressionAttributeNames != nil {
			return nil, validation("ExpressionAttributeNames can only be specified when using expressions")
		}
		if in.ExpressionAttributeValues != nil {
			return nil, validation("ExpressionAttributeValues can only be specified when using expressions: ConditionExpression is null")
		}
	} else {
		if in.ExpressionAttributeNames != nil && len(in.ExpressionAttributeNames) == 0 {
			return nil, validation("ExpressionAttributeNames must not be empty")
		}
		if in.ExpressionAttributeValues != nil && len(in.ExpressionAttributeValues) == 0 {
			return nil, validation("ExpressionAttributeValues must not be empty")
		}
		c, perr := parseCondition(*in.ConditionExpression, in.ExpressionAttributeNames, in.ExpressionAttributeValues)
		if perr != nil {
			return nil, validation("%s", perr.Error())
		}
		cond = c
	}

	f.mu.Lock()
	defer f.mu.Unlock()
	cur := f.items[key]
	if cond != nil && !cond.eval(cur) {
		e := &apiError{status: http.StatusBadRequest, typ: ConditionalCheckFailed, msg: "The conditional request failed"}
		if in.ReturnValuesOnConditionCheckFailure == "ALL_OLD" && cur != nil {
			e.item = cloneItem(cur)
		}
		return nil, e
	}
	f.items[key] = cloneItem(in.Item)
	return struct{}{}, nil
}

// Package dynamofake is a fake DynamoDB for tests and the demo: an http.Handler speaking
// DynamoDB's JSON protocol (awsJson1_0) for the two calls the state store makes, GetItem and
// PutItem, on one table keyed by a string partition key.
//
// It answers as DynamoDB does where the store can tell: the X-Amz-Target names, the error
// shapes ({"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",
// "message":...}), the X-Amz-Crc32 header the SDK checks, consistent conditional writes. It
// validates what DynamoDB validates for these calls (table, key schema, attribute values,
// expression placeholders, item size) and refuses, with a ValidationException, whatever it
// does not model, so that a change in the client shows up as a failing test rather than as
// a fake that quietly agrees.
//
// Like DynamoDB, it never deletes expired items by itself: TTL deletion lags by up to days,
// and readers must cope. Sweep stands for the TTL process when a test wants it.
//
// Faults: Throttle makes the next requests fail with ProvisionedThroughputExceededException
// (which the SDK retries), Inject scripts any error, delay, or an answer lost after the write
// took effect; Options.Latency slows every request.
package dynamofake

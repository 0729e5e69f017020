// Package story folds the failures of one service into one story, across batches: a crash
// loop becomes one message instead of one per dead task, failures of tasks started by a
// deployment become that deployment's story, and the story ends with a recovery message when
// the deployment completes or the service is steady again.
//
// A story lives in the state store, keyed by service. Every change is a conditional write on
// the version read, so two invocations at once cannot both announce the same crash loop: the
// loser re-reads and folds its failures in. A record SQS redelivers (because a post failed) is
// recognised by its event id and gets the same treatment again — the message it triggered is
// emitted again, and the delivery ledger keeps destinations that already have it from a
// second copy — so retries neither lose nor duplicate. Episodes (episode.go) — a deployment
// paused by a lifecycle hook, an impaired container instance, a daemon rollback — are stories
// of their own, keyed by what opens and closes them.
//
// Time. What a story says is decided on event time, the time each event carries: failures
// count toward the threshold within Window of each other, digests are DigestInterval apart,
// and a story with no event for its lifetime (a day while a crash loop is open or a
// deployment has failed, Window and an hour otherwise) is over, so the next failure starts a
// new one. How long the store keeps a story is measured on processing time, from its last
// write: the same lifetime again. So a backlog, a throttled queue or a DLQ redrive days later
// is told as it would have been told on time, and its story is never born expired. An event
// far older than the story at hand (by more than the story's lifetime) belongs to a story long
// over and is told on its own.
package story

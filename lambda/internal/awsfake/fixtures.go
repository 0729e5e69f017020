package awsfake

import (
	"fmt"
	"strings"
	"time"
)

// The checkout-api story: a deployment of checkout-api:42 whose new tasks exit with code 1
// at start-up because DATABASE_URL is not set. CheckoutTaskID is the task of the project's
// stopped-task fixtures.
const (
	CheckoutGroup  = "/ecs/checkout-api"
	CheckoutTaskID = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
)

// Stream is the awslogs stream name of a container in a task: prefix/container/task-id.
func Stream(prefix, container, taskID string) string {
	return prefix + "/" + container + "/" + taskID
}

// CheckoutStream is the stream of checkout-api's app container in task taskID.
func CheckoutStream(taskID string) string { return Stream("ecs", "app", taskID) }

// CheckoutCrashLog is what checkout-api 1.4.2's app container writes before it exits with
// code 1: npm's banner, a few JSON log lines (one holds a Redis URL with a password, as
// start-up logs do), then Node's report of the uncaught error. Each line is one awslogs
// event; the last ends just before stoppedAt.
func CheckoutCrashLog(stoppedAt time.Time) []Event {
	lines := []string{
		"> checkout-api@1.4.2 start",
		"> node --enable-source-maps dist/server.js",
		`{"level":30,"time":%d,"pid":1,"hostname":"ip-10-0-12-34.ec2.internal","msg":"checkout-api 1.4.2 starting","env":"production","node":"v20.11.1"}`,
		`{"level":30,"time":%d,"pid":1,"hostname":"ip-10-0-12-34.ec2.internal","msg":"loading configuration from environment"}`,
		`{"level":30,"time":%d,"pid":1,"hostname":"ip-10-0-12-34.ec2.internal","msg":"connecting to cache","url":"redis://checkout:example-redis-password@cache.checkout.internal:6379/0"}`,
		`{"level":30,"time":%d,"pid":1,"hostname":"ip-10-0-12-34.ec2.internal","msg":"cache connected","latencyMs":4}`,
		`{"level":40,"time":%d,"pid":1,"hostname":"ip-10-0-12-34.ec2.internal","msg":"STRIPE_WEBHOOK_SECRET not set; webhooks disabled"}`,
		`{"level":60,"time":%d,"pid":1,"hostname":"ip-10-0-12-34.ec2.internal","msg":"configuration invalid","err":{"type":"ConfigError","message":"missing required env DATABASE_URL"}}`,
		"/app/src/config.ts:27",
		"    throw new ConfigError(`missing required env ${name}`);",
		"    ^",
		"ConfigError: missing required env DATABASE_URL",
		"    at requireEnv (/app/src/config.ts:27:11)",
		"    at loadConfig (/app/src/config.ts:41:18)",
		"    at Object.<anonymous> (/app/src/server.ts:12:16)",
		"    at Module._compile (node:internal/modules/cjs/loader:1376:14)",
		"    at Module._extensions..js (node:internal/modules/cjs/loader:1435:10)",
		"    at Module.load (node:internal/modules/cjs/loader:1207:32)",
		"    at Module._load (node:internal/modules/cjs/loader:1023:12)",
		"    at Function.executeUserEntryPoint [as runMain] (node:internal/modules/run_main:135:12)",
		"    at node:internal/main/run_main_module:28:49",
		"Node.js v20.11.1",
	}
	// The container lived about two seconds; lines come a few tens of milliseconds apart.
	start := stoppedAt.Add(-2 * time.Second)
	events := make([]Event, len(lines))
	for i, l := range lines {
		t := start.Add(time.Duration(i) * 60 * time.Millisecond)
		if strings.Contains(l, "%d") {
			l = fmt.Sprintf(l, t.UnixMilli())
		}
		events[i] = Event{Time: t, Message: l}
	}
	return events
}

// AddCheckoutCrash puts the crash log of task taskID into logs, and makes sure ecs holds
// checkout-api:42. Either may be nil.
func AddCheckoutCrash(ecs *ECS, logs *Logs, taskID string, stoppedAt time.Time) {
	if ecs != nil {
		if err := ecs.Add(TaskDefinitions()["checkout-api:42"]); err != nil {
			panic(err)
		}
	}
	if logs != nil {
		logs.Put(CheckoutGroup, CheckoutStream(taskID), CheckoutCrashLog(stoppedAt)...)
	}
}

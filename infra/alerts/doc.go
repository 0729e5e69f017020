// Package alerts is foghorn's Pulumi component: the whole ECS-to-chat stack behind one
// constructor, NewEcsChatAlerts. It is built from smaller components (EventRules, Buffer,
// StateTable, Notifier, Watchdog, and when enabled LogIntake and Actions), each in its own
// file, all parented to it. The three functions' own function, role and log group come from
// function.go, registered under each one's component.
//
//	ECS / CloudWatch ─▶ EventBridge rules ─▶ SNS topic ─▶ SQS queue (+DLQ) ─▶ Lambda notifier ─▶ chat
//	                                                                 watchdog alarms ─▶ ops topic
//	CloudWatch Logs subscriptions ─▶ Lambda log intake ─▶ SQS queue
//	Slack button ─▶ HTTP API ─▶ Lambda actions endpoint ─▶ ECS, state table, the alert's thread
//
// Physical names are left to Pulumi's auto-naming, so dev and prod can share an account. The
// exception is the functions, whose names must be known before they exist because their log
// groups /aws/lambda/<name> are created first (and the actions endpoint's signing-secret
// parameter, which the config document names); they are derived from the project, stack and
// component name, so they are stable and distinct per stack.
package alerts

// Package alerts is foghorn's Pulumi component: the whole ECS-to-chat stack behind one
// constructor, NewEcsChatAlerts. It is built from smaller components (EventRules, Buffer,
// StateTable, Notifier, Watchdog), each in its own file, all parented to it.
//
//	ECS / CloudWatch ─▶ EventBridge rules ─▶ SNS topic ─▶ SQS queue (+DLQ) ─▶ Lambda notifier ─▶ chat
//	                                                                 watchdog alarms ─▶ ops topic
//
// Physical names are left to Pulumi's auto-naming, so dev and prod can share an account. The
// exception is the function, whose name must be known before it exists because its log group
// /aws/lambda/<name> is created first; it is derived from the project, stack and component
// name, so it is stable and distinct per stack.
package alerts

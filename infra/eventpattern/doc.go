// Package eventpattern builds the EventBridge event patterns of foghorn's rules, one per class
// of event. It is plain Go: the Pulumi component puts the JSON it returns into the rules, and
// the tests run the same JSON against recorded AWS events (package patterntest evaluates a
// pattern the way EventBridge does).
//
// The defaults mirror the notifier's noise policy (lambda/policy): when a noise rule is on,
// the pattern leaves out what the rule would suppress, so AWS does not deliver it at all. The
// exceptions are the events stories need — SERVICE_STEADY_STATE and the deployments'
// IN_PROGRESS and COMPLETED for crash loops, HOOK_SUCCEEDED for a paused deployment, health OK
// for an impaired instance — which are always delivered, and the transitions of muted alarms,
// which are delivered so the notifier logs them; the notifier keeps their own messages out of
// chat when the rules that suppress them are on.
// Where an event's noise status needs the notifier's own judgement (severity, exit codes),
// the pattern lets it through and the notifier decides.
package eventpattern

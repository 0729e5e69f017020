package notifier

import (
	"context"
	"errors"
	"fmt"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/awslogs"
	"github.com/foghornhq/foghorn/lambda/envelope"
	"github.com/foghornhq/foghorn/lambda/logsource"
	"github.com/foghornhq/foghorn/lambda/patterns"
	"github.com/foghornhq/foghorn/lambda/story"
)

// RuleLogsControl names the suppression of CloudWatch Logs' reachability checks
// (CONTROL_MESSAGE): they carry no line of the application's. Like RuleDuplicate it is not a
// noise rule and cannot be switched off.
const RuleLogsControl = "logs-control-message"

// WithLogSources places log streams on ECS services through their tasks (lambda/logsource);
// without it only the config document's logPatterns.services place them.
func WithLogSources(api logsource.ECS) Option { return func(n *Notifier) { n.logECS = api } }

// WithRegion names the region the function runs in, for log deliveries that do not say.
func WithRegion(region string) Option { return func(n *Notifier) { n.region = region } }

// newPatterns builds the log-pattern reader from the document: the log tail's redaction
// rules, the explicit service mapping, and the clusters whose tasks may be described.
func (n *Notifier) newPatterns() error {
	redact, problems := n.doc.Logs.Compile()
	if len(problems) > 0 {
		return fmt.Errorf("logs.%w", problems[0])
	}
	var maps []logsource.Mapping
	for _, s := range n.doc.LogPatterns.Services {
		maps = append(maps, logsource.Mapping{LogGroup: s.LogGroup, StreamPrefix: s.StreamPrefix, Cluster: s.Cluster, Service: s.Service})
	}
	n.patterns = patterns.New(redact, logsource.New(maps, n.logECS, n.doc.LogPatterns.Clusters))
	n.patterns.Region = n.region
	n.policy.MutePatterns(n.doc.Noise.MutedPatterns)
	n.stories.Patterns = n.doc.LogPatterns
	return nil
}

// fromLogs reads a record that holds a CloudWatch Logs delivery: its alerts, one per
// pattern per service; a generic alert if it cannot be decoded; or a suppression for a
// reachability check. ok is false for records of any other kind.
func (n *Notifier) fromLogs(ctx context.Context, rec envelope.Record) (alerts []alert.Alert, control *Suppression, ok bool) {
	b, shape, err := awslogs.Read(rec.Body)
	switch {
	case shape == awslogs.NotLogs:
		return nil, nil, false
	case err != nil:
		n.log.Warn("CloudWatch Logs delivery could not be decoded; it is posted as a generic alert", "item", rec.ItemID, "error", err.Error())
		return []alert.Alert{patterns.Undecodable(rec.Body, err, rec.Via)}, nil, true
	case b.Control():
		a := alert.Alert{EventID: "logs-control:" + rec.ItemID, Source: "aws.logs", Kind: alert.KindGeneric, Event: awslogs.ControlMessage,
			Severity: alert.Info, Title: "CloudWatch Logs checked that foghorn is reachable"}
		return nil, &Suppression{Alert: a, Rule: RuleLogsControl, Why: "CloudWatch Logs' reachability check (CONTROL_MESSAGE) carries no log line", Items: itemList(rec.ItemID)}, true
	}
	return n.patterns.Alerts(ctx, b), nil, true
}

// applyPatterns runs the log-pattern inputs through their stories, and adds what they say
// to res. Without the store, each pattern of the batch posts on its own.
func (n *Notifier) applyPatterns(ctx context.Context, inputs []story.Input, res *story.Result) {
	if len(inputs) == 0 {
		return
	}
	pres, err := n.stories.ApplyPatterns(ctx, inputs)
	if err != nil {
		n.log.Error("log-pattern stories unavailable; each pattern of the batch posts on its own", "error", err.Error())
		for _, e := range unwrapAll(err) {
			if pe := (*story.PanicError)(nil); errors.As(e, &pe) {
				n.log.Error("log-pattern stage panicked; its patterns are said on their own", "story", pe.Story, "panic", fmt.Sprint(pe.Value), "stack", string(pe.Stack))
			}
		}
	}
	res.Emits = append(res.Emits, pres.Emits...)
	res.Folded = append(res.Folded, pres.Folded...)
	res.Passed = append(res.Passed, pres.Passed...)
}

// splitLogInputs parts log-pattern inputs from the rest.
func splitLogInputs(inputs []story.Input) (logs, other []story.Input) {
	logged := false
	for i := range inputs {
		logged = logged || inputs[i].Alert.Kind == alert.KindLog && inputs[i].Alert.Log != nil
	}
	if !logged {
		return nil, inputs // the common batch: no copies
	}
	for _, in := range inputs {
		if in.Alert.Kind == alert.KindLog && in.Alert.Log != nil {
			logs = append(logs, in)
		} else {
			other = append(other, in)
		}
	}
	return logs, other
}

package classify

import (
	"bytes"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/console"
	"github.com/foghornhq/foghorn/lambda/envelope"
	"github.com/foghornhq/foghorn/lambda/event"
)

// alarmInput is an alarm state change as any delivery path reports it: EventBridge, the
// alarm's Lambda action, or the classic SNS notification.
type alarmInput struct {
	name, arn, description string
	state, previous        string
	reason                 string
	data                   event.AlarmReasonData
	when                   time.Time
	metric                 string // "AWS/EC2 CPUUtilization (InstanceId=i-…)"
	metricName             string // "CPUUtilization"
	valueLabel             string // what the alarm compares when that is a metric math expression
	statistic              string // "Average over 300 s"
	expression             string // metric math or anomaly band expression
	anomaly                bool
	comparison             string // ">", "≥", "<", "≤"
	threshold              *float64
	rule                   string // composite alarm rule
	suppressedBy           string
	suppressor             string

	// Log alarms: a Logs Insights query over log groups, on a schedule.
	logGroups []string
	query     string
	aggregate string
	schedule  string
	// contributor names the one time series of a multi-time-series alarm whose state changed
	// ("TableName=orders"); contributorID is CloudWatch's id for it.
	contributor, contributorID string
	// mutedBy names the alarm mute rule that muted the alarm; muteWindow is its window.
	mutedBy, muteWindow string
}

func alarmStateChange(a alert.Alert, ev event.EventBridge, d event.AlarmStateChange) alert.Alert {
	for _, r := range ev.Resources {
		applyARN(&a.Identity, r)
	}
	in := alarmFromDetail(d)
	in.arn = a.Identity.AlarmARN
	return alarm(a, in)
}

func fromAlarmAction(body []byte) alert.Alert {
	var p event.AlarmAction
	_ = event.Decode(body, &p)
	a := alert.Alert{
		Source:     orDefault(p.Source, event.SourceCloudWatch),
		DetailType: "CloudWatch Alarm Lambda Action",
		Time:       p.Time.Time(),
		Identity:   alert.Identity{Account: p.AccountID, Region: p.Region},
	}
	applyARN(&a.Identity, p.AlarmARN)
	in := alarmFromDetail(p.AlarmData)
	in.arn = p.AlarmARN
	return alarm(a, in)
}

func fromAlarmNotification(rec envelope.Record, body []byte) alert.Alert {
	var n event.AlarmNotification
	_ = event.Decode(body, &n)
	a := alert.Alert{
		EventID:    rec.MessageID,
		Source:     event.SourceCloudWatch,
		DetailType: "CloudWatch Alarm Notification",
		Time:       n.StateChangeTime.Time(),
		Identity:   alert.Identity{Account: n.AWSAccountID, Region: event.RegionCode(n.Region)},
	}
	applyARN(&a.Identity, n.AlarmARN)
	in := alarmInput{
		name: n.AlarmName, arn: n.AlarmARN, description: n.AlarmDescription,
		state: n.NewStateValue, previous: n.OldStateValue, reason: n.NewStateReason,
		when: n.StateChangeTime.Time(),
	}
	if t := n.Trigger; t != nil {
		in.threshold = t.Threshold
		in.comparison = comparisonSymbol(t.ComparisonOperator)
		stat := orDefault(t.Statistic, t.ExtendedStatistic)
		if t.MetricName != "" {
			in.metricName = t.MetricName
			in.metric = metricText(t.Namespace, t.MetricName, dimensionMap(t.Dimensions))
			in.statistic = statText(stat, t.Period)
		}
		for _, m := range t.Metrics {
			switch {
			case m.Expression != "" && m.ReturnData:
				in.expression, in.valueLabel = m.Expression, orDefault(m.Label, m.Expression)
			case m.MetricStat != nil:
				if in.metric == "" {
					ms := m.MetricStat
					in.metricName = ms.Metric.MetricName
					in.metric = metricText(ms.Metric.Namespace, ms.Metric.MetricName, dimensionMap(ms.Metric.Dimensions))
					in.statistic = statText(ms.Stat, ms.Period)
				}
			}
		}
		if t.ThresholdMetricID != "" || strings.Contains(in.expression, "ANOMALY_DETECTION_BAND") {
			in.anomaly = true
		}
	}
	// The classic notification carries no reasonData: the latest datapoint and the threshold
	// are read from the reason text ("… datapoints [1234.0 (06/03/15 17:43:27)] was greater than
	// the threshold (0.0) …").
	if m := reasonDatapoint().FindStringSubmatch(n.NewStateReason); m != nil {
		if v, err := strconv.ParseFloat(m[1], 64); err == nil {
			in.data.RecentDatapoints = []float64{v}
		}
	}
	if in.threshold == nil {
		if m := reasonThreshold().FindStringSubmatch(n.NewStateReason); m != nil {
			if v, err := strconv.ParseFloat(m[1], 64); err == nil {
				in.threshold = &v
			}
		}
	}
	if in.comparison == "" {
		in.comparison = comparisonFromReason(n.NewStateReason)
	}
	return alarm(a, in)
}

var (
	reasonDatapoint = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`datapoints? \[(-?[0-9][0-9.eE+-]*) \(`) })
	reasonThreshold = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`the threshold \((-?[0-9][0-9.eE+-]*)\)`) })
)

// alarmFromDetail reads the EventBridge detail (or the Lambda action's alarmData).
func alarmFromDetail(d event.AlarmStateChange) alarmInput {
	in := alarmFromConfig(d.Configuration)
	in.name = d.AlarmName
	in.state, in.previous, in.reason = d.State.Value, d.PreviousState.Value, d.State.Reason
	in.data, in.when = event.ParseReasonData(d.State.ReasonData), d.State.Timestamp.Time()
	in.suppressedBy = d.State.ActionsSuppressedBy
	if in.data.Threshold != nil {
		in.threshold = in.data.Threshold
	}
	if len(in.data.RecentUpperThresholds) > 0 || len(in.data.RecentLowerThresholds) > 0 {
		in.anomaly = true
	}
	if c := comparisonFromReason(in.reason); c != "" {
		in.comparison = c
	}
	if m := d.MuteDetail; m != nil {
		in.mutedBy = orDefault(muteRuleName(m.MutedByARN), "an alarm mute rule")
		in.muteWindow = window(m.MuteWindowStart.Time(), m.MuteWindowEnd.Time())
	}
	if c := d.AlarmContributor; c != nil {
		in.contributorID = c.ID
		in.contributor = attributesText(c.Attributes)
		setIfEmpty(&in.contributor, c.ID)
	}
	return in
}

// muteRuleName reads the rule's name from an alarm mute rule ARN
// (arn:aws:cloudwatch:us-east-1:123456789012:alarm-mute-rule:maintenance).
func muteRuleName(arn string) string {
	if _, name, ok := strings.Cut(arn, ":alarm-mute-rule:"); ok {
		return name
	}
	return arn
}

// window says a mute window: "2026-01-01 10:00 – 12:00 UTC".
func window(from, to time.Time) string {
	const day, clock = "2006-01-02 ", "15:04"
	switch {
	case from.IsZero() && to.IsZero():
		return ""
	case to.IsZero():
		return "from " + from.UTC().Format(day+clock) + " UTC"
	case from.IsZero():
		return "until " + to.UTC().Format(day+clock) + " UTC"
	case from.UTC().Format(day) == to.UTC().Format(day):
		return from.UTC().Format(day+clock) + " – " + to.UTC().Format(clock) + " UTC"
	}
	return from.UTC().Format(day+clock) + " UTC – " + to.UTC().Format(day+clock) + " UTC"
}

// attributesText names a contributor by its attributes: "TableName=orders", sorted by key.
func attributesText(attrs map[string]string) string {
	keys := make([]string, 0, len(attrs))
	for k := range attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+"="+attrs[k])
	}
	return strings.Join(parts, ", ")
}

// alarmFromConfig reads what an alarm's configuration says: its description, its metric or
// metric math (an anomaly band among them), or a composite alarm's rule and suppressor.
func alarmFromConfig(c event.AlarmConfiguration) alarmInput {
	in := alarmInput{description: c.Description, rule: c.AlarmRule, suppressor: c.ActionsSuppressor,
		logGroups: c.LogGroupIdentifiers, query: c.QueryString, aggregate: c.AggregationExpression}
	if c.Schedule != nil {
		in.schedule = c.Schedule.Expression
	}
	if in.query != "" && c.Threshold != nil {
		in.threshold = c.Threshold
		in.comparison = comparisonSymbol(c.ComparisonOperator)
	}
	for _, m := range c.Metrics {
		switch {
		case m.Expression != "" && m.ReturnData:
			if strings.Contains(m.Expression, "ANOMALY_DETECTION_BAND") {
				in.anomaly = true
				in.expression = m.Expression
			} else if in.expression == "" {
				in.expression, in.valueLabel = m.Expression, orDefault(m.Label, m.Expression)
			}
		case m.MetricStat != nil && in.metric == "":
			ms := m.MetricStat
			in.metricName = ms.Metric.Name
			in.metric = metricText(ms.Metric.Namespace, ms.Metric.Name, ms.Metric.Dimensions)
			in.statistic = statText(ms.Stat, ms.Period)
		}
	}
	return in
}

// targetTracking matches the alarms Application Auto Scaling creates for a target tracking
// policy: TargetTracking-<resource id>-AlarmHigh-<uuid> or …-AlarmLow-<uuid>.
var targetTracking = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^TargetTracking-(.+)-(AlarmHigh|AlarmLow)-[0-9a-fA-F-]{36}$`)
})

// alarm builds the alert for an alarm state change from any delivery path. The alarm it names
// is in's; an alarm ARN the caller applied to a.Identity gives the name when in has none.
func alarm(a alert.Alert, in alarmInput) alert.Alert {
	setIfEmpty(&in.name, a.Identity.AlarmName)
	a.Identity.AlarmName, a.Identity.AlarmARN = in.name, ""
	if _, ok := event.ParseARN(in.arn); ok {
		a.Identity.AlarmARN = in.arn
	}
	fillPartition(&a.Identity)
	if a.Time.IsZero() || !in.when.IsZero() {
		a.Time = in.when
	}
	a.Status = in.state
	a.Reason.Alarm = in.reason
	a.MutedBy = in.mutedBy
	alarmLink := link("Alarm", console.Alarm(a.Identity.Partition, a.Identity.Region, in.name))

	if m := targetTracking().FindStringSubmatch(in.name); m != nil {
		return targetTrackingAlarm(a, in, m[1], m[2], alarmLink)
	}

	a.Kind = alert.KindAlarm
	a.Event = orDefault(in.state, "UNKNOWN")
	name := orDefault(in.name, "CloudWatch alarm")
	// The title is "<name>:" or "<name>: <contributor>", then the state: each text is made
	// in one piece.
	sep := ":"
	if in.contributor != "" {
		// One resource of a multi-resource alarm: the title names it.
		a.Identity.Resource = in.contributor
		sep = ": "
	}
	switch in.state {
	case event.AlarmStateAlarm:
		a.Severity = alert.Critical
		if v := alarmValue(in); v != "" {
			a.Title = name + sep + in.contributor + " in ALARM (" + v + ")"
		} else {
			a.Title = name + sep + in.contributor + " in ALARM"
		}
	case event.AlarmStateOK:
		a.Severity = alert.Resolved
		a.Title = name + sep + in.contributor + " back to OK"
	case event.AlarmStateInsufficientData:
		a.Severity = alert.Warning
		a.Title = name + sep + in.contributor + " insufficient data"
	default:
		a.Severity = alert.Warning
		a.Title = name + sep + in.contributor + " " + orDefault(in.state, "state changed")
	}
	a.Reason.Text = alarmWhy(in)
	muted, mutedBy, stop := "", "", ""
	if in.mutedBy != "" {
		muted, mutedBy, stop = " The alarm is muted by ", in.mutedBy, "."
	}
	if in.contributor != "" {
		a.Summary = "Contributor " + in.contributor + " of CloudWatch alarm " + orDefault(in.name, "(unnamed)") + " is in " +
			orDefault(in.state, "an unknown state") + "." + muted + mutedBy + stop
	} else {
		a.Summary = "CloudWatch alarm " + name + " moved from " + orDefault(in.previous, "an unknown state") + " to " +
			orDefault(in.state, "an unknown state") + "." + muted + mutedBy + stop
	}
	a.Facts = alarmFacts(in, a.Identity)
	a.Links = []alert.Link{alarmLink}
	return a
}

// targetTrackingAlarm reports a target tracking alarm as the scaling it causes.
func targetTrackingAlarm(a alert.Alert, in alarmInput, resourceID, which string, alarmLink alert.Link) alert.Alert {
	if cluster, service, ok := serviceFromResourceID(resourceID); ok {
		a.Identity.Cluster, a.Identity.Service = cluster, service
	} else {
		a.Identity.Resource = resourceID
	}
	a.Kind, a.Severity, a.Event = alert.KindScaling, alert.Info, which
	if a.DetailType != "" {
		a.Origin = a.DetailType + ": " + orDefault(in.state, "state unknown")
	}
	subject := subjectOr(a.Identity, resourceID)
	direction, verb := "out", "adds"
	if which == "AlarmLow" {
		direction, verb = "in", "removes"
	}
	switch in.state {
	case event.AlarmStateAlarm:
		a.Title = subject + ": scaling " + direction + " (" + which + ")"
		a.Reason.Text = "The target tracking metric crossed its " + which + " alarm, so Application Auto Scaling " + verb + " capacity."
	default:
		a.Title = subject + ": scale-" + direction + " alarm " + strings.ToLower(strings.ReplaceAll(orDefault(in.state, "changed"), "_", " ")) + " (" + which + ")"
		a.Reason.Text = "The target tracking " + which + " alarm moved to " + orDefault(in.state, "a new state") + ": no scaling " + direction + " for now."
	}
	if v := alarmValue(in); v != "" {
		a.Reason.Text += " " + v + "."
	}
	a.Summary = "Target tracking alarm " + which + " of " + subject + " moved from " + orDefault(in.previous, "an unknown state") + " to " + orDefault(in.state, "an unknown state") + "."
	in.description = "" // "DO NOT EDIT OR DELETE. For TargetTrackingScaling policy …" says nothing new
	a.Facts = append([]alert.Fact{fact("Cluster", a.Identity.Cluster)}, alarmFacts(in, a.Identity)...)
	a.Links = append(ecsLinks(a.Identity), alarmLink)
	return a
}

// alarmValue is the short "why" for a title: "CPUUtilization 99.5 > 50", "triggered by X".
func alarmValue(in alarmInput) string {
	if in.rule != "" {
		if names := triggeringNames(in.data, false); len(names) > 0 {
			return "triggered by " + strings.Join(names, ", ")
		}
		return ""
	}
	if len(in.data.RecentDatapoints) == 0 {
		return ""
	}
	// Written into one buffer, numbers and all.
	var buf [96]byte
	b := append(buf[:0], orDefault(in.valueLabel, orDefault(in.metricName, "value"))...)
	b = append(b, ' ')
	b = appendNumber(b, in.data.RecentDatapoints[len(in.data.RecentDatapoints)-1])
	switch {
	case in.anomaly:
		if band := bandText(in.data); band != "" {
			b = append(b, " outside band "...)
			b = append(b, band...)
		} else {
			b = append(b, " outside its expected band"...)
		}
	case in.threshold != nil:
		b = append(b, ' ')
		b = append(b, orDefault(in.comparison, "vs")...)
		b = append(b, ' ')
		b = appendNumber(b, *in.threshold)
	}
	return string(b)
}

// alarmWhy is the one-sentence reason: AWS's own state reason says it best for metric alarms;
// for composites it names the child alarms and the rule.
func alarmWhy(in alarmInput) string {
	if in.rule != "" {
		var parts []string
		for _, t := range in.data.TriggeringAlarms {
			parts = append(parts, alarmNameOf(t.ARN)+" is in "+orDefault(t.State.Value, "a new state"))
		}
		s := "The composite alarm's rule " + in.rule + " evaluated to " + orDefault(in.state, "a new state")
		if len(parts) > 0 {
			s = strings.Join(parts, ", ") + ", so the rule " + in.rule + " evaluates to " + orDefault(in.state, "a new state")
		}
		if in.suppressedBy != "" {
			s += "; its actions are suppressed (" + in.suppressedBy
			if in.suppressor != "" {
				s += ", suppressor " + in.suppressor
			}
			s += ")"
		}
		return s + "."
	}
	if in.reason != "" {
		return in.reason
	}
	// CloudWatch gave no reason: say what the alarm watches, so the message still tells what
	// is wrong.
	s := "The alarm moved from " + orDefault(in.previous, "an unknown state") + " to " + orDefault(in.state, "an unknown state")
	if w := watches(in); w != "" {
		s += "; it watches " + w
	}
	return s + "."
}

// watches says what an alarm watches: its metric, expression or log query, its statistic and
// its threshold.
func watches(in alarmInput) string {
	var what string
	switch {
	case in.query != "":
		what = "the Logs Insights query " + orDefault(in.aggregate, in.query)
		if len(in.logGroups) > 0 {
			what += " over " + strings.Join(in.logGroups, ", ")
		}
		if in.schedule != "" {
			what += ", run " + in.schedule
		}
	case in.metric != "":
		what = in.metric
		if in.statistic != "" {
			what += " (" + in.statistic + ")"
		}
	case in.expression != "":
		what = "the expression " + in.expression
	case in.rule != "":
		what = "the rule " + in.rule
	}
	if what == "" {
		return ""
	}
	if in.threshold != nil && !in.anomaly {
		what += ", alarming at " + strings.TrimSpace(orDefault(in.comparison, "vs")+" "+number(*in.threshold))
	}
	return what
}

func alarmFacts(in alarmInput, id alert.Identity) []alert.Fact {
	// The list is made at its size. A contributor's facts come first.
	n := 6
	for _, more := range [...]bool{in.expression != "", in.anomaly || in.threshold != nil, len(in.data.RecentDatapoints) > 0, in.mutedBy != ""} {
		if more {
			n++
		}
	}
	if in.rule != "" {
		n += 3
	}
	if in.query != "" {
		n += 4
	}
	if in.contributor != "" {
		n += 2
	}
	facts := make([]alert.Fact, 0, n)
	if in.contributor != "" {
		facts = append(facts, fact("Contributor", in.contributor), fact("Contributor id", in.contributorID))
	}
	facts = append(facts, fact("Metric", in.metric))
	if in.expression != "" {
		facts = append(facts, fact("Expression", in.expression))
	}
	facts = append(facts, fact("Statistic", in.statistic))
	switch {
	case in.anomaly:
		facts = append(facts, fact("Expected band", bandText(in.data)))
	case in.threshold != nil:
		var buf [48]byte
		b := append(append(buf[:0], in.comparison...), ' ')
		facts = append(facts, fact("Threshold", string(bytes.TrimSpace(appendNumber(b, *in.threshold)))))
	}
	if n := len(in.data.RecentDatapoints); n > 0 {
		facts = append(facts, fact("Latest value", number(in.data.RecentDatapoints[n-1])))
	}
	if in.rule != "" {
		facts = append(facts, fact("Rule", in.rule), fact("Triggered by", strings.Join(triggeringNames(in.data, true), ", ")))
		if in.suppressedBy != "" {
			facts = append(facts, fact("Actions suppressed", in.suppressedBy+inParens(in.suppressor)))
		}
	}
	if in.query != "" {
		facts = append(facts, fact("Log groups", strings.Join(in.logGroups, ", ")), fact("Query", in.query),
			fact("Aggregation", in.aggregate), fact("Schedule", in.schedule))
	}
	if in.mutedBy != "" {
		facts = append(facts, fact("Muted by", in.mutedBy+inParens(in.muteWindow)))
	}
	facts = append(facts, fact("Previous state", in.previous), fact("Description", in.description), fact("Region", id.Region), fact("Account", id.Account))
	return facts
}

func triggeringNames(d event.AlarmReasonData, withState bool) []string {
	var names []string
	for _, t := range d.TriggeringAlarms {
		name := alarmNameOf(t.ARN)
		if withState && t.State.Value != "" {
			name += " (" + t.State.Value + ")"
		}
		names = append(names, name)
	}
	return names
}

func bandText(d event.AlarmReasonData) string {
	lo, hi := d.RecentLowerThresholds, d.RecentUpperThresholds
	switch {
	case len(lo) > 0 && len(hi) > 0:
		return number(lo[len(lo)-1]) + " – " + number(hi[len(hi)-1])
	case len(hi) > 0:
		return "≤ " + number(hi[len(hi)-1])
	case len(lo) > 0:
		return "≥ " + number(lo[len(lo)-1])
	}
	return ""
}

func metricText(namespace, name string, dims map[string]string) string {
	// Written into one buffer: "<namespace> <name> (<key>=<value>, …)", keys sorted.
	var buf [128]byte
	b := append(append(append(buf[:0], namespace...), ' '), name...)
	b = bytes.TrimSpace(b)
	if len(dims) == 0 {
		return string(b)
	}
	var kb [8]string
	keys := kb[:0]
	for k := range dims {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, " ("...)
	for i, k := range keys {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, k...)
		b = append(b, '=')
		b = append(b, dims[k]...)
	}
	return string(append(b, ')'))
}

func dimensionMap(ds []event.Dimension) map[string]string {
	if len(ds) == 0 {
		return nil
	}
	m := make(map[string]string, len(ds))
	for _, d := range ds {
		m[d.Name] = d.Value
	}
	return m
}

func statText(stat string, period int) string {
	if stat == "" {
		return ""
	}
	if period > 0 {
		return stat + " over " + strconv.Itoa(period) + " s"
	}
	return stat
}

func comparisonSymbol(op string) string {
	switch op {
	case "GreaterThanThreshold", "GreaterThanUpperThreshold":
		return ">"
	case "GreaterThanOrEqualToThreshold":
		return "≥"
	case "LessThanThreshold", "LessThanLowerThreshold":
		return "<"
	case "LessThanOrEqualToThreshold":
		return "≤"
	}
	return ""
}

// comparisonFromReason reads the comparison out of a state reason ("was greater than the
// threshold"), since EventBridge state changes do not carry the operator.
func comparisonFromReason(reason string) string {
	r := lower(reason)
	switch {
	case strings.Contains(r, "not greater"), strings.Contains(r, "not less"):
		return ""
	case strings.Contains(r, "greater than or equal"):
		return "≥"
	case strings.Contains(r, "greater than"):
		return ">"
	case strings.Contains(r, "less than or equal"):
		return "≤"
	case strings.Contains(r, "less than"):
		return "<"
	}
	return ""
}

func alarmConfigurationChange(a alert.Alert, ev event.EventBridge, d event.AlarmStateChange) alert.Alert {
	for _, r := range ev.Resources {
		applyARN(&a.Identity, r)
	}
	setIfEmpty(&a.Identity.AlarmName, d.AlarmName)
	fillPartition(&a.Identity)
	a.Kind, a.Severity = alert.KindAlarmConfig, alert.Info
	a.Event = orDefault(d.Operation, "change")
	a.Status = d.State.Value
	name := orDefault(a.Identity.AlarmName, "CloudWatch alarm")
	verb := map[string]string{"create": "created", "update": "updated", "delete": "deleted"}[d.Operation]
	a.Title = name + ": alarm " + orDefault(verb, "configuration changed")
	var changes []string
	c, p := d.Configuration, d.PreviousConfiguration
	if p != nil {
		if c.Threshold != nil && p.Threshold != nil && *c.Threshold != *p.Threshold {
			changes = append(changes, "threshold "+number(*p.Threshold)+" → "+number(*c.Threshold))
		}
		if c.EvaluationPeriods != p.EvaluationPeriods && p.EvaluationPeriods != 0 {
			changes = append(changes, "evaluation periods "+strconv.Itoa(p.EvaluationPeriods)+" → "+strconv.Itoa(c.EvaluationPeriods))
		}
		if c.ComparisonOperator != p.ComparisonOperator && p.ComparisonOperator != "" {
			changes = append(changes, "comparison "+p.ComparisonOperator+" → "+c.ComparisonOperator)
		}
	}
	a.Reason.Text = "The alarm's configuration was " + orDefault(verb, "changed")
	if len(changes) > 0 {
		a.Reason.Text += ": " + strings.Join(changes, ", ")
	}
	a.Reason.Text += "."
	a.Summary = "CloudWatch alarm " + name + " was " + orDefault(verb, "changed") + "."
	threshold := ""
	if c.Threshold != nil {
		threshold = strings.TrimSpace(comparisonSymbol(c.ComparisonOperator) + " " + number(*c.Threshold))
	}
	a.Facts = []alert.Fact{fact("Metric", alarmFromConfig(c).metric), fact("Threshold", threshold), fact("State", d.State.Value)}
	a.Links = []alert.Link{link("Alarm", console.Alarm(a.Identity.Partition, a.Identity.Region, a.Identity.AlarmName))}
	return a
}

// otherCloudWatch is an aws.cloudwatch event of a detail type this package does not know.
// When it carries an alarm state it is read as an alarm; otherwise it is reported as one anyway,
// so that a CloudWatch event never becomes a generic record.
func otherCloudWatch(a alert.Alert, ev event.EventBridge) alert.Alert {
	var d event.AlarmStateChange
	_ = event.Decode(ev.Detail, &d)
	for _, r := range ev.Resources {
		applyARN(&a.Identity, r)
	}
	in := alarmFromDetail(d)
	in.arn = a.Identity.AlarmARN
	out := alarm(a, in)
	if in.state == "" {
		out.Event = ev.DetailType
		out.Title = orDefault(out.Identity.AlarmName, "CloudWatch") + ": " + orDefault(ev.DetailType, "event")
		out.Reason.Text = "CloudWatch sent " + orDefault(ev.DetailType, "an event") + ", a kind the notifier does not know yet."
	}
	return out
}

// alarmNameOf returns the alarm name in an alarm ARN, or the text itself.
func alarmNameOf(s string) string {
	if a, ok := event.ParseARN(s); ok && a.ResourceType() == "alarm" {
		var buf [1]string
		if p := a.AppendResourcePath(buf[:0]); len(p) == 1 {
			return p[0]
		}
	}
	return s
}

package event

import "unsafe"

// The hand-written readers of the CloudWatch alarm details and their reasonData (see scanner).

var alarmFolds = foldSet("alarmName", "operation", "state", "previousState", "configuration",
	"previousConfiguration", "muteDetail", "alarmContributor")

func (s *scanner) alarm(d *AlarmStateChange) {
	if !s.object() {
		return
	}
	var seen uint64
	for first := true; s.more('}', &first); {
		switch k := s.key(); string(k) {
		case "alarmName":
			s.seen(&seen, 0)
			d.AlarmName = s.str()
		case "operation":
			s.seen(&seen, 1)
			d.Operation = s.str()
		case "state":
			s.seen(&seen, 2)
			s.alarmState(&d.State)
		case "previousState":
			s.seen(&seen, 3)
			s.alarmState(&d.PreviousState)
		case "configuration":
			s.seen(&seen, 4)
			s.alarmConfiguration(&d.Configuration)
		case "previousConfiguration":
			s.seen(&seen, 5)
			if !s.null() {
				d.PreviousConfiguration = new(AlarmConfiguration)
				s.alarmConfiguration(d.PreviousConfiguration)
			}
		case "muteDetail":
			s.seen(&seen, 6)
			if !s.null() {
				d.MuteDetail = new(MuteDetail)
				s.muteDetail(d.MuteDetail)
			}
		case "alarmContributor":
			s.seen(&seen, 7)
			if !s.null() {
				d.AlarmContributor = new(AlarmContributor)
				s.alarmContributor(d.AlarmContributor)
			}
		default:
			s.unknown(k, alarmFolds)
		}
	}
}

var muteDetailFolds = foldSet("mutedByArn", "muteWindowStart", "muteWindowEnd")

func (s *scanner) muteDetail(d *MuteDetail) {
	if !s.object() {
		return
	}
	var seen uint64
	for first := true; s.more('}', &first); {
		switch k := s.key(); string(k) {
		case "mutedByArn":
			s.seen(&seen, 0)
			d.MutedByARN = s.str()
		case "muteWindowStart":
			s.seen(&seen, 1)
			d.MuteWindowStart = s.stamp()
		case "muteWindowEnd":
			s.seen(&seen, 2)
			d.MuteWindowEnd = s.stamp()
		default:
			s.unknown(k, muteDetailFolds)
		}
	}
}

var alarmContributorFolds = foldSet("id", "attributes")

func (s *scanner) alarmContributor(d *AlarmContributor) {
	if !s.object() {
		return
	}
	var seen uint64
	for first := true; s.more('}', &first); {
		switch k := s.key(); string(k) {
		case "id":
			s.seen(&seen, 0)
			d.ID = s.str()
		case "attributes":
			s.seen(&seen, 1)
			d.Attributes = s.strMap()
		default:
			s.unknown(k, alarmContributorFolds)
		}
	}
}

var alarmStateFolds = foldSet("value", "reason", "reasonData", "timestamp", "actionsSuppressedBy",
	"actionsSuppressedReason")

func (s *scanner) alarmState(d *AlarmState) {
	if !s.object() {
		return
	}
	var seen uint64
	for first := true; s.more('}', &first); {
		switch k := s.key(); string(k) {
		case "value":
			s.seen(&seen, 0)
			d.Value = s.str()
		case "reason":
			s.seen(&seen, 1)
			d.Reason = s.str()
		case "reasonData":
			s.seen(&seen, 2)
			d.ReasonData = s.str()
		case "timestamp":
			s.seen(&seen, 3)
			d.Timestamp = s.stamp()
		case "actionsSuppressedBy":
			s.seen(&seen, 4)
			d.ActionsSuppressedBy = s.str()
		case "actionsSuppressedReason":
			s.seen(&seen, 5)
			d.ActionsSuppressedReason = s.str()
		default:
			s.unknown(k, alarmStateFolds)
		}
	}
}

var alarmConfigurationFolds = foldSet("alarmName", "description", "metrics", "alarmRule",
	"actionsSuppressor", "actionsSuppressorWaitPeriod", "actionsSuppressorExtensionPeriod",
	"threshold", "thresholdMetricId", "comparisonOperator", "evaluationPeriods",
	"datapointsToAlarm", "treatMissingData", "actionsEnabled", "timestamp",
	"logGroupIdentifiers", "queryString", "aggregationExpression", "schedule")

func (s *scanner) alarmConfiguration(d *AlarmConfiguration) {
	if !s.object() {
		return
	}
	var seen uint64
	for first := true; s.more('}', &first); {
		switch k := s.key(); string(k) {
		case "alarmName":
			s.seen(&seen, 0)
			d.AlarmName = s.str()
		case "description":
			s.seen(&seen, 1)
			d.Description = s.str()
		case "metrics":
			s.seen(&seen, 2)
			d.Metrics = s.metricQueries()
		case "alarmRule":
			s.seen(&seen, 3)
			d.AlarmRule = s.str()
		case "actionsSuppressor":
			s.seen(&seen, 4)
			d.ActionsSuppressor = s.str()
		case "actionsSuppressorWaitPeriod":
			s.seen(&seen, 5)
			d.ActionsSuppressorWaitPeriod = s.int()
		case "actionsSuppressorExtensionPeriod":
			s.seen(&seen, 6)
			d.ActionsSuppressorExtensionPeriod = s.int()
		case "threshold":
			s.seen(&seen, 7)
			d.Threshold = s.floatPtr()
		case "thresholdMetricId":
			s.seen(&seen, 8)
			d.ThresholdMetricID = s.str()
		case "comparisonOperator":
			s.seen(&seen, 9)
			d.ComparisonOperator = s.str()
		case "evaluationPeriods":
			s.seen(&seen, 10)
			d.EvaluationPeriods = s.int()
		case "datapointsToAlarm":
			s.seen(&seen, 11)
			d.DatapointsToAlarm = s.int()
		case "treatMissingData":
			s.seen(&seen, 12)
			d.TreatMissingData = s.str()
		case "actionsEnabled":
			s.seen(&seen, 13)
			d.ActionsEnabled = s.boolPtr()
		case "timestamp":
			s.seen(&seen, 14)
			d.Timestamp = s.stamp()
		case "logGroupIdentifiers":
			s.seen(&seen, 15)
			d.LogGroupIdentifiers = s.strs()
		case "queryString":
			s.seen(&seen, 16)
			d.QueryString = s.str()
		case "aggregationExpression":
			s.seen(&seen, 17)
			d.AggregationExpression = s.str()
		case "schedule":
			s.seen(&seen, 18)
			if !s.null() {
				d.Schedule = new(LogSchedule)
				s.logSchedule(d.Schedule)
			}
		default:
			s.unknown(k, alarmConfigurationFolds)
		}
	}
}

var logScheduleFolds = foldSet("expression")

func (s *scanner) logSchedule(d *LogSchedule) {
	if !s.object() {
		return
	}
	var seen uint64
	for first := true; s.more('}', &first); {
		switch k := s.key(); string(k) {
		case "expression":
			s.seen(&seen, 0)
			d.Expression = s.str()
		default:
			s.unknown(k, logScheduleFolds)
		}
	}
}

var metricQueryFolds = foldSet("id", "expression", "label", "metricStat", "period", "returnData")

func (s *scanner) metricQueries() []MetricDataQuery {
	if !s.array() {
		return nil
	}
	var buf [4]MetricDataQuery
	out := buf[:0]
	for first := true; s.more(']', &first); {
		out = append(out, MetricDataQuery{})
		s.metricQuery(&out[len(out)-1])
	}
	return list(out)
}

func (s *scanner) metricQuery(d *MetricDataQuery) {
	if !s.object() {
		return
	}
	var seen uint64
	for first := true; s.more('}', &first); {
		switch k := s.key(); string(k) {
		case "id":
			s.seen(&seen, 0)
			d.ID = s.str()
		case "expression":
			s.seen(&seen, 1)
			d.Expression = s.str()
		case "label":
			s.seen(&seen, 2)
			d.Label = s.str()
		case "metricStat":
			s.seen(&seen, 3)
			if !s.null() {
				d.MetricStat = new(MetricStat)
				s.metricStat(d.MetricStat)
			}
		case "period":
			s.seen(&seen, 4)
			d.Period = s.int()
		case "returnData":
			s.seen(&seen, 5)
			d.ReturnData = s.bool()
		default:
			s.unknown(k, metricQueryFolds)
		}
	}
}

var metricStatFolds = foldSet("metric", "period", "stat", "unit")

func (s *scanner) metricStat(d *MetricStat) {
	if !s.object() {
		return
	}
	var seen uint64
	for first := true; s.more('}', &first); {
		switch k := s.key(); string(k) {
		case "metric":
			s.seen(&seen, 0)
			s.metric(&d.Metric)
		case "period":
			s.seen(&seen, 1)
			d.Period = s.int()
		case "stat":
			s.seen(&seen, 2)
			d.Stat = s.str()
		case "unit":
			s.seen(&seen, 3)
			d.Unit = s.str()
		default:
			s.unknown(k, metricStatFolds)
		}
	}
}

var metricFolds = foldSet("namespace", "name", "dimensions")

func (s *scanner) metric(d *Metric) {
	if !s.object() {
		return
	}
	var seen uint64
	for first := true; s.more('}', &first); {
		switch k := s.key(); string(k) {
		case "namespace":
			s.seen(&seen, 0)
			d.Namespace = s.str()
		case "name":
			s.seen(&seen, 1)
			d.Name = s.str()
		case "dimensions":
			s.seen(&seen, 2)
			d.Dimensions = s.strMap()
		default:
			s.unknown(k, metricFolds)
		}
	}
}

// decodeReasonData reads an alarm state's reasonData as Decode does, by hand when it can.
func decodeReasonData(text string, d *AlarmReasonData) {
	// The scanner only reads its input and copies what it keeps, so it can read the string's
	// bytes in place; Decode is given a copy.
	s := scanner{b: unsafe.Slice(unsafe.StringData(text), len(text)), cache: caches.Get().(*[256]string)}
	s.reasonData(d)
	s.end()
	caches.Put(s.cache)
	if !s.bad {
		return
	}
	*d = AlarmReasonData{}
	_ = Decode([]byte(text), d)
}

var reasonDataFolds = foldSet("version", "queryDate", "startDate", "statistic", "unit", "period",
	"recentDatapoints", "recentLowerThresholds", "recentUpperThresholds", "threshold",
	"evaluatedDatapoints", "triggeringAlarms")

func (s *scanner) reasonData(d *AlarmReasonData) {
	// The top level is an object: null and other values are left to Decode.
	if s.peek() != '{' {
		s.fail()
		return
	}
	s.i++
	var seen uint64
	for first := true; s.more('}', &first); {
		switch k := s.key(); string(k) {
		case "version":
			s.seen(&seen, 0)
			d.Version = s.str()
		case "queryDate":
			s.seen(&seen, 1)
			d.QueryDate = s.stamp()
		case "startDate":
			s.seen(&seen, 2)
			d.StartDate = s.stamp()
		case "statistic":
			s.seen(&seen, 3)
			d.Statistic = s.str()
		case "unit":
			s.seen(&seen, 4)
			d.Unit = s.str()
		case "period":
			s.seen(&seen, 5)
			d.Period = s.int()
		case "recentDatapoints":
			s.seen(&seen, 6)
			d.RecentDatapoints = s.floats()
		case "recentLowerThresholds":
			s.seen(&seen, 7)
			d.RecentLowerThresholds = s.floats()
		case "recentUpperThresholds":
			s.seen(&seen, 8)
			d.RecentUpperThresholds = s.floats()
		case "threshold":
			s.seen(&seen, 9)
			d.Threshold = s.floatPtr()
		case "evaluatedDatapoints":
			s.seen(&seen, 10)
			d.EvaluatedDatapoints = s.evaluatedDatapoints()
		case "triggeringAlarms":
			s.seen(&seen, 11)
			d.TriggeringAlarms = s.triggeringAlarms()
		default:
			s.unknown(k, reasonDataFolds)
		}
	}
}

// floats reads a []float64 as strs reads a []string.
func (s *scanner) floats() []float64 {
	if !s.array() {
		return nil
	}
	var buf [16]float64
	out := buf[:0]
	for first := true; s.more(']', &first); {
		if s.peek() == 'n' {
			s.fail() // Decode keeps what the element held before: not copied
			return nil
		}
		out = append(out, s.float())
	}
	return list(out)
}

var evaluatedDatapointFolds = foldSet("timestamp", "sampleCount", "value", "threshold")

func (s *scanner) evaluatedDatapoints() []EvaluatedDatapoint {
	if !s.array() {
		return nil
	}
	var buf [8]EvaluatedDatapoint
	out := buf[:0]
	for first := true; s.more(']', &first); {
		out = append(out, EvaluatedDatapoint{})
		s.evaluatedDatapoint(&out[len(out)-1])
	}
	return list(out)
}

func (s *scanner) evaluatedDatapoint(d *EvaluatedDatapoint) {
	if !s.object() {
		return
	}
	var seen uint64
	for first := true; s.more('}', &first); {
		switch k := s.key(); string(k) {
		case "timestamp":
			s.seen(&seen, 0)
			d.Timestamp = s.stamp()
		case "sampleCount":
			s.seen(&seen, 1)
			d.SampleCount = s.float()
		case "value":
			s.seen(&seen, 2)
			d.Value = s.floatPtr()
		case "threshold":
			s.seen(&seen, 3)
			d.Threshold = s.floatPtr()
		default:
			s.unknown(k, evaluatedDatapointFolds)
		}
	}
}

var triggeringAlarmFolds = foldSet("arn", "state")

func (s *scanner) triggeringAlarms() []TriggeringAlarm {
	if !s.array() {
		return nil
	}
	var buf [4]TriggeringAlarm
	out := buf[:0]
	for first := true; s.more(']', &first); {
		out = append(out, TriggeringAlarm{})
		s.triggeringAlarm(&out[len(out)-1])
	}
	return list(out)
}

func (s *scanner) triggeringAlarm(d *TriggeringAlarm) {
	if !s.object() {
		return
	}
	var seen uint64
	for first := true; s.more('}', &first); {
		switch k := s.key(); string(k) {
		case "arn":
			s.seen(&seen, 0)
			d.ARN = s.str()
		case "state":
			s.seen(&seen, 1)
			s.alarmState(&d.State)
		default:
			s.unknown(k, triggeringAlarmFolds)
		}
	}
}

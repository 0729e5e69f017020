package event

// Alarm states.
const (
	AlarmStateAlarm            = "ALARM"
	AlarmStateOK               = "OK"
	AlarmStateInsufficientData = "INSUFFICIENT_DATA"
)

// AlarmStateChange is the detail of a CloudWatch Alarm State Change, and also the alarmData of
// the alarm's Lambda-action payload; the two have the same shape. An Alarm Configuration Change
// uses it too, with Operation set and Configuration holding the full alarm.
type AlarmStateChange struct {
	AlarmName     string             `json:"alarmName"`
	Operation     string             `json:"operation,omitempty"` // configuration change: create, update, delete
	State         AlarmState         `json:"state"`
	PreviousState AlarmState         `json:"previousState"`
	Configuration AlarmConfiguration `json:"configuration"`
	// PreviousConfiguration is set on configuration changes.
	PreviousConfiguration *AlarmConfiguration `json:"previousConfiguration,omitempty"`
	// MuteDetail is set when an alarm mute rule muted the alarm at the transition: the alarm
	// still changes state and still sends the event, but its actions do not run.
	MuteDetail *MuteDetail `json:"muteDetail,omitempty"`
	// AlarmContributor is set on a Contributor State Change: the one time series (resource) of
	// a multi-time-series alarm whose state changed.
	AlarmContributor *AlarmContributor `json:"alarmContributor,omitempty"`
}

// MuteDetail names the alarm mute rule that muted an alarm and its window.
type MuteDetail struct {
	MutedByARN      string    `json:"mutedByArn"` // arn:…:cloudwatch:…:alarm-mute-rule:<name>
	MuteWindowStart Timestamp `json:"muteWindowStart,omitempty"`
	MuteWindowEnd   Timestamp `json:"muteWindowEnd,omitempty"`
}

// AlarmContributor is one contributor of a multi-time-series alarm: its id and the attributes
// (dimensions, GROUP BY keys, log fields) that name its resource.
type AlarmContributor struct {
	ID         string            `json:"id"`
	Attributes map[string]string `json:"attributes,omitempty"`
}

// AlarmState is one state of an alarm. ReasonData is itself JSON, kept as the string AWS sends;
// ParseReasonData decodes it.
type AlarmState struct {
	Value                   string    `json:"value"`
	Reason                  string    `json:"reason,omitempty"`
	ReasonData              string    `json:"reasonData,omitempty"`
	Timestamp               Timestamp `json:"timestamp,omitempty"`
	ActionsSuppressedBy     string    `json:"actionsSuppressedBy,omitempty"`
	ActionsSuppressedReason string    `json:"actionsSuppressedReason,omitempty"`
}

// AlarmConfiguration is the alarm as configured: its metrics (a single metric, metric math or
// an anomaly detection band), or for a composite alarm its rule.
type AlarmConfiguration struct {
	AlarmName   string            `json:"alarmName,omitempty"`
	Description string            `json:"description,omitempty"`
	Metrics     []MetricDataQuery `json:"metrics,omitempty"`

	// Composite alarms.
	AlarmRule                        string `json:"alarmRule,omitempty"`
	ActionsSuppressor                string `json:"actionsSuppressor,omitempty"`
	ActionsSuppressorWaitPeriod      int    `json:"actionsSuppressorWaitPeriod,omitempty"`
	ActionsSuppressorExtensionPeriod int    `json:"actionsSuppressorExtensionPeriod,omitempty"`

	// Sent with configuration changes.
	Threshold          *float64  `json:"threshold,omitempty"`
	ThresholdMetricID  string    `json:"thresholdMetricId,omitempty"`
	ComparisonOperator string    `json:"comparisonOperator,omitempty"`
	EvaluationPeriods  int       `json:"evaluationPeriods,omitempty"`
	DatapointsToAlarm  int       `json:"datapointsToAlarm,omitempty"`
	TreatMissingData   string    `json:"treatMissingData,omitempty"`
	ActionsEnabled     *bool     `json:"actionsEnabled,omitempty"`
	Timestamp          Timestamp `json:"timestamp,omitempty"`

	// Log alarms: a Logs Insights query over log groups, run on a schedule.
	LogGroupIdentifiers   []string     `json:"logGroupIdentifiers,omitempty"`
	QueryString           string       `json:"queryString,omitempty"`
	AggregationExpression string       `json:"aggregationExpression,omitempty"`
	Schedule              *LogSchedule `json:"schedule,omitempty"`
}

// LogSchedule is when a log alarm runs its query.
type LogSchedule struct {
	Expression string `json:"expression,omitempty"` // rate(5 minutes)
}

// MetricDataQuery is one entry of an alarm's metrics: a metric (MetricStat) or an expression.
type MetricDataQuery struct {
	ID         string      `json:"id"`
	Expression string      `json:"expression,omitempty"`
	Label      string      `json:"label,omitempty"`
	MetricStat *MetricStat `json:"metricStat,omitempty"`
	Period     int         `json:"period,omitempty"`
	ReturnData bool        `json:"returnData"`
}

// MetricStat is a metric with its statistic and period.
type MetricStat struct {
	Metric Metric `json:"metric"`
	Period int    `json:"period,omitempty"`
	Stat   string `json:"stat,omitempty"`
	Unit   string `json:"unit,omitempty"`
}

// Metric names a metric. In EventBridge alarm events dimensions are a map (in the SNS
// notification they are a list: see AlarmTrigger).
type Metric struct {
	Namespace  string            `json:"namespace"`
	Name       string            `json:"name"`
	Dimensions map[string]string `json:"dimensions,omitempty"`
}

// AlarmReasonData is the decoded reasonData of an alarm state: the datapoints that crossed the
// threshold, the band of an anomaly detection alarm, or the triggering alarms of a composite.
type AlarmReasonData struct {
	Version               string               `json:"version,omitempty"`
	QueryDate             Timestamp            `json:"queryDate,omitempty"`
	StartDate             Timestamp            `json:"startDate,omitempty"`
	Statistic             string               `json:"statistic,omitempty"`
	Unit                  string               `json:"unit,omitempty"`
	Period                int                  `json:"period,omitempty"`
	RecentDatapoints      []float64            `json:"recentDatapoints,omitempty"`
	RecentLowerThresholds []float64            `json:"recentLowerThresholds,omitempty"`
	RecentUpperThresholds []float64            `json:"recentUpperThresholds,omitempty"`
	Threshold             *float64             `json:"threshold,omitempty"`
	EvaluatedDatapoints   []EvaluatedDatapoint `json:"evaluatedDatapoints,omitempty"`
	TriggeringAlarms      []TriggeringAlarm    `json:"triggeringAlarms,omitempty"`
}

// EvaluatedDatapoint is one datapoint an alarm evaluated.
type EvaluatedDatapoint struct {
	Timestamp   Timestamp `json:"timestamp"`
	SampleCount float64   `json:"sampleCount,omitempty"`
	Value       *float64  `json:"value,omitempty"`
	Threshold   *float64  `json:"threshold,omitempty"`
}

// TriggeringAlarm is a child alarm that moved a composite alarm.
type TriggeringAlarm struct {
	ARN   string     `json:"arn"`
	State AlarmState `json:"state"`
}

// ParseReasonData decodes an alarm state's reasonData. It returns the zero value when the data
// is missing or not JSON.
func ParseReasonData(s string) AlarmReasonData {
	var d AlarmReasonData
	if s != "" {
		decodeReasonData(s, &d)
	}
	return d
}

// AlarmAction is the payload a CloudWatch alarm sends when its action invokes a Lambda function
// directly.
type AlarmAction struct {
	Source    string           `json:"source"`
	AlarmARN  string           `json:"alarmArn"`
	AccountID string           `json:"accountId"`
	Time      Timestamp        `json:"time"`
	Region    string           `json:"region"`
	AlarmData AlarmStateChange `json:"alarmData"`
}

// AlarmNotification is the classic CloudWatch alarm message an alarm publishes to SNS (the SNS
// Message). Region is a display name ("US East (N. Virginia)", older "EU - Ireland").
type AlarmNotification struct {
	AlarmName                          string        `json:"AlarmName"`
	AlarmDescription                   string        `json:"AlarmDescription,omitempty"`
	AWSAccountID                       string        `json:"AWSAccountId"`
	NewStateValue                      string        `json:"NewStateValue"`
	NewStateReason                     string        `json:"NewStateReason"`
	StateChangeTime                    Timestamp     `json:"StateChangeTime"`
	Region                             string        `json:"Region"`
	AlarmARN                           string        `json:"AlarmArn,omitempty"`
	OldStateValue                      string        `json:"OldStateValue"`
	AlarmConfigurationUpdatedTimestamp Timestamp     `json:"AlarmConfigurationUpdatedTimestamp,omitempty"`
	Trigger                            *AlarmTrigger `json:"Trigger,omitempty"`
}

// AlarmTrigger describes what a classic alarm notification's alarm watches: a single metric
// (MetricName, Namespace, Dimensions) or metric math (Metrics).
type AlarmTrigger struct {
	MetricName                       string               `json:"MetricName,omitempty"`
	Namespace                        string               `json:"Namespace,omitempty"`
	StatisticType                    string               `json:"StatisticType,omitempty"`
	Statistic                        string               `json:"Statistic,omitempty"`
	ExtendedStatistic                string               `json:"ExtendedStatistic,omitempty"`
	Unit                             string               `json:"Unit,omitempty"`
	Dimensions                       []Dimension          `json:"Dimensions,omitempty"`
	Period                           int                  `json:"Period,omitempty"`
	EvaluationPeriods                int                  `json:"EvaluationPeriods,omitempty"`
	DatapointsToAlarm                int                  `json:"DatapointsToAlarm,omitempty"`
	ComparisonOperator               string               `json:"ComparisonOperator,omitempty"`
	Threshold                        *float64             `json:"Threshold,omitempty"`
	ThresholdMetricID                string               `json:"ThresholdMetricId,omitempty"`
	TreatMissingData                 string               `json:"TreatMissingData,omitempty"`
	EvaluateLowSampleCountPercentile string               `json:"EvaluateLowSampleCountPercentile,omitempty"`
	Metrics                          []NotificationMetric `json:"Metrics,omitempty"`
}

// Dimension is a metric dimension as the classic notification writes it ({"value","name"}).
type Dimension struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// NotificationMetric is one metric-math entry of a classic notification's Trigger.
type NotificationMetric struct {
	ID         string                  `json:"Id"`
	Expression string                  `json:"Expression,omitempty"`
	Label      string                  `json:"Label,omitempty"`
	MetricStat *NotificationMetricStat `json:"MetricStat,omitempty"`
	ReturnData bool                    `json:"ReturnData,omitempty"`
}

// NotificationMetricStat is the metric of a classic notification's metric-math entry.
type NotificationMetricStat struct {
	Metric struct {
		Dimensions []Dimension `json:"Dimensions,omitempty"`
		MetricName string      `json:"MetricName"`
		Namespace  string      `json:"Namespace"`
	} `json:"Metric"`
	Period int    `json:"Period,omitempty"`
	Stat   string `json:"Stat,omitempty"`
	Unit   string `json:"Unit,omitempty"`
}

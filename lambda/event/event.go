// Package event holds the typed shapes of the AWS events the notifier reads: the EventBridge
// envelope, the ECS, CloudWatch, AWS Health, Application Auto Scaling and CloudTrail details, the
// classic CloudWatch alarm notification and the alarm's Lambda-action payload. The structs are
// plain and JSON-tagged; they hold what the classifier reads, not every field AWS sends.
//
// AWS adds fields and changes value types over time, and a real event must never be lost to a
// strict decoder, so Decode keeps whatever decodes and timestamps are kept as text (Timestamp)
// and parsed by ParseTime, which reads every shape AWS uses.
package event

import (
	"encoding/json"
	"errors"
	"reflect"

	jsonv2 "github.com/go-json-experiment/json"
	jsonv1 "github.com/go-json-experiment/json/v1"
)

// Event sources, as EventBridge names them.
const (
	SourceECS                    = "aws.ecs"
	SourceCloudWatch             = "aws.cloudwatch"
	SourceHealth                 = "aws.health"
	SourceApplicationAutoScaling = "aws.application-autoscaling"
)

// Detail types, as EventBridge names them.
const (
	DetailTypeTaskStateChange              = "ECS Task State Change"
	DetailTypeServiceAction                = "ECS Service Action"
	DetailTypeDeploymentStateChange        = "ECS Deployment State Change"
	DetailTypeContainerInstanceStateChange = "ECS Container Instance State Change"
	DetailTypeAlarmStateChange             = "CloudWatch Alarm State Change"
	DetailTypeAlarmConfigurationChange     = "CloudWatch Alarm Configuration Change"
	DetailTypeAlarmContributorStateChange  = "CloudWatch Alarm Contributor State Change"
	DetailTypeHealth                       = "AWS Health Event"
	DetailTypeScalingActivity              = "Application Auto Scaling Scaling Activity State Change"
	DetailTypeCloudTrailAPICall            = "AWS API Call via CloudTrail"
)

// EventBridge is the envelope every EventBridge event shares. Detail is kept raw and decoded
// into the struct its DetailType names.
type EventBridge struct {
	Version    string          `json:"version"`
	ID         string          `json:"id"`
	DetailType string          `json:"detail-type"`
	Source     string          `json:"source"`
	Account    string          `json:"account"`
	Time       Timestamp       `json:"time"`
	Region     string          `json:"region"`
	Resources  []string        `json:"resources"`
	Detail     json.RawMessage `json:"detail"`
}

// Decode unmarshals data into v as far as it can. A field whose JSON type does not match the
// struct (a number where a string was expected, say) is left at its zero value rather than
// failing the whole event, since an alert with one field missing beats no alert. Any other
// error (data that is not JSON) is returned.
//
// JSON work is most of the per-event cost, so the common case, an event whose every field has
// the expected type, is decoded in one pass, validating as it goes (encoding/json validates
// the whole input first, then decodes it). That pass stops at the first mismatched field; only
// then is the event decoded again, with encoding/json's rules, keeping what decodes.
func Decode(data []byte, v any) error {
	err := jsonv2.Unmarshal(data, v, onePass)
	if err == nil {
		return nil
	}
	// Like encoding/json, leave nothing of a document that is not JSON.
	reflect.ValueOf(v).Elem().SetZero()
	var semantic *jsonv2.SemanticError
	if !errors.As(err, &semantic) {
		return err
	}
	err = jsonv1.Unmarshal(data, v)
	var typeErr *jsonv1.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return nil
	}
	return err
}

// onePass reads JSON exactly as encoding/json does (case-insensitive names, duplicate names
// and invalid UTF-8 allowed, the same methods called) but stops at the first error instead of
// validating the whole input before decoding any of it.
var onePass = jsonv2.JoinOptions(jsonv1.DefaultOptionsV1(), jsonv1.ReportErrorsWithLegacySemantics(false))

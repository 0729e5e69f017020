package classify

import (
	"bytes"

	"github.com/foghornhq/foghorn/lambda/event"
)

// The fast path. Decoding an event's envelope and then its detail reads the detail bytes
// several times over (validate the whole, skip the detail, validate and decode it again), and
// JSON work is most of the notifier's per-event cost. When the detail type can be read off the
// bytes, the event is decoded once, straight into the typed detail. Whatever the fast path is
// unsure of goes the general way.

// fastPath lists, per detail type, the source it must come with and how to decode it.
var fastPath = map[string]struct {
	source string
	decode func(body []byte) (event.EventBridge, any, error)
}{
	event.DetailTypeTaskStateChange:              {event.SourceECS, decodeTyped[event.Task]},
	event.DetailTypeServiceAction:                {event.SourceECS, decodeTyped[event.ServiceAction]},
	event.DetailTypeDeploymentStateChange:        {event.SourceECS, decodeTyped[event.Deployment]},
	event.DetailTypeContainerInstanceStateChange: {event.SourceECS, decodeTyped[event.ContainerInstance]},
	event.DetailTypeCloudTrailAPICall:            {event.SourceECS, decodeTyped[event.CloudTrail]},
	event.DetailTypeAlarmStateChange:             {event.SourceCloudWatch, decodeTyped[event.AlarmStateChange]},
	event.DetailTypeAlarmConfigurationChange:     {event.SourceCloudWatch, decodeTyped[event.AlarmStateChange]},
	event.DetailTypeAlarmContributorStateChange:  {event.SourceCloudWatch, decodeTyped[event.AlarmStateChange]},
	event.DetailTypeHookStateChange:              {event.SourceECS, decodeTyped[event.HookStateChange]},
	event.DetailTypeDaemonServiceAction:          {event.SourceECS, decodeTyped[event.DaemonServiceAction]},
	event.DetailTypeDaemonDeploymentStateChange:  {event.SourceECS, decodeTyped[event.DaemonDeployment]},
	event.DetailTypeContainerInstanceHealth:      {event.SourceECS, decodeTyped[event.ContainerInstanceHealth]},
	event.DetailTypeHealth:                       {event.SourceHealth, decodeTyped[event.Health]},
	event.DetailTypeScalingActivity:              {event.SourceApplicationAutoScaling, decodeTyped[event.ScalingActivity]},
}

// decodeTyped decodes the event with its detail as D (event.DecodeEvent reads the detail types
// by hand, without reflection).
func decodeTyped[D event.Detail](body []byte) (event.EventBridge, any, error) {
	return event.DecodeEvent[D](body)
}

// typed decodes body in one pass when its detail type is one the fast path knows, and says
// whether it did. The detail type read off the bytes is only a guess (the key could sit in a
// string elsewhere): the decoded event must confirm it, with the matching source.
func typed(body []byte) (event.EventBridge, any, bool) {
	dt, ok := peekDetailType(body)
	if !ok {
		return event.EventBridge{}, nil, false
	}
	fp, ok := fastPath[string(dt)] // a lookup by the bytes: no string is made
	if !ok {
		return event.EventBridge{}, nil, false
	}
	ev, pre, err := fp.decode(body)
	if err != nil || ev.DetailType != string(dt) || ev.Source != fp.source {
		return event.EventBridge{}, nil, false
	}
	return ev, pre, true
}

// peekDetailType reads the string after the first "detail-type" key, if it is a plain one.
func peekDetailType(body []byte) ([]byte, bool) {
	i := bytes.Index(body, []byte(`"detail-type"`))
	if i < 0 {
		return nil, false
	}
	rest := bytes.TrimLeft(body[i+len(`"detail-type"`):], " \t\r\n")
	if len(rest) == 0 || rest[0] != ':' {
		return nil, false
	}
	rest = bytes.TrimLeft(rest[1:], " \t\r\n")
	if len(rest) == 0 || rest[0] != '"' {
		return nil, false
	}
	end := bytes.IndexByte(rest[1:], '"')
	if end < 0 || bytes.IndexByte(rest[1:1+end], '\\') >= 0 {
		return nil, false
	}
	return rest[1 : 1+end], true
}

// detailOf returns the event's detail as D: the fast path's, or decoded now.
func detailOf[D any](ev event.EventBridge, pre any) D {
	if d, ok := pre.(*D); ok {
		return *d
	}
	var d D
	_ = event.Decode(ev.Detail, &d)
	return d
}

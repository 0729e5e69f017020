package event

import "sync"

// Detail is every detail type DecodeEvent reads.
type Detail interface {
	Task | ServiceAction | Deployment | ContainerInstance | CloudTrail | AlarmStateChange |
		HookStateChange | DaemonServiceAction | DaemonDeployment | ContainerInstanceHealth |
		Health | ScalingActivity
}

// DecodeEvent decodes data, an EventBridge event whose detail is a D, into exactly what Decode
// makes of it as a struct{EventBridge; Detail D `json:"detail"`} (the envelope's raw Detail is
// left nil), and returns Decode's error.
//
// Decoding is most of the per-event cost, and Decode reflects over every field. Events as AWS
// sends them are read here by hand instead, in one pass and without reflection; whatever the
// hand-written reader is not certain to read as Decode does, it leaves to Decode.
func DecodeEvent[D Detail](data []byte) (EventBridge, *D, error) {
	d := new(D)
	s := scanner{b: data, cache: caches.Get().(*[256]string)}
	var ev EventBridge
	s.envelope(&ev, d)
	caches.Put(s.cache)
	if !s.bad {
		return ev, d, nil
	}
	var v struct {
		EventBridge
		Detail D `json:"detail"`
	}
	err := Decode(data, &v)
	return v.EventBridge, &v.Detail, err
}

// caches are the scanners' string caches, kept between events.
var caches = sync.Pool{New: func() any { return new([256]string) }}

var envelopeFolds = foldSet("version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail")

// envelope reads an EventBridge event and its detail into d.
func (s *scanner) envelope(ev *EventBridge, d any) {
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
			ev.Version = s.known()
		case "id":
			s.seen(&seen, 1)
			ev.ID = s.str()
		case "detail-type":
			s.seen(&seen, 2)
			ev.DetailType = s.known()
		case "source":
			s.seen(&seen, 3)
			ev.Source = s.known()
		case "account":
			s.seen(&seen, 4)
			ev.Account = s.str()
		case "time":
			s.seen(&seen, 5)
			ev.Time = s.stamp()
		case "region":
			s.seen(&seen, 6)
			ev.Region = s.known()
		case "resources":
			s.seen(&seen, 7)
			ev.Resources = s.strs()
		case "detail":
			s.seen(&seen, 8)
			s.detail(d)
		default:
			s.unknown(k, envelopeFolds)
		}
	}
	s.end()
}

// detail reads the detail d points to.
func (s *scanner) detail(d any) {
	switch d := d.(type) {
	case *Task:
		s.task(d)
	case *ServiceAction:
		s.serviceAction(d)
	case *Deployment:
		s.deployment(d)
	case *ContainerInstance:
		s.containerInstance(d)
	case *HookStateChange:
		s.hook(d)
	case *DaemonServiceAction:
		s.daemonAction(d)
	case *DaemonDeployment:
		s.daemonDeployment(d)
	case *ContainerInstanceHealth:
		s.instanceHealth(d)
	case *AlarmStateChange:
		s.alarm(d)
	case *CloudTrail:
		s.cloudTrail(d)
	case *Health:
		s.health(d)
	case *ScalingActivity:
		s.scaling(d)
	default:
		s.fail()
	}
}

// known reads a string that is usually one of a few values (a source, a detail type, a
// region): those are returned without allocating.
func (s *scanner) known() string {
	if s.peek() == '"' {
		start := s.i
		raw, plain := s.token()
		if plain {
			if v, ok := knownValues[string(raw)]; ok {
				return v
			}
			return string(raw)
		}
		s.i = start
	}
	return s.str()
}

// knownValues are the strings known returns without allocating.
var knownValues = func() map[string]string {
	m := map[string]string{"0": "0"}
	for _, v := range []string{
		SourceECS, SourceCloudWatch, SourceHealth, SourceApplicationAutoScaling,
		DetailTypeTaskStateChange, DetailTypeServiceAction, DetailTypeDeploymentStateChange,
		DetailTypeContainerInstanceStateChange, DetailTypeAlarmStateChange,
		DetailTypeAlarmConfigurationChange, DetailTypeAlarmContributorStateChange, DetailTypeHealth,
		DetailTypeScalingActivity, DetailTypeCloudTrailAPICall, DetailTypeHookStateChange,
		DetailTypeDaemonServiceAction, DetailTypeDaemonDeploymentStateChange,
		DetailTypeContainerInstanceHealth,
	} {
		m[v] = v
	}
	for _, r := range regionPlaces {
		m[r.code] = r.code
	}
	return m
}()

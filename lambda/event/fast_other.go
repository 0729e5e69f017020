package event

// The hand-written readers of the AWS Health, Application Auto Scaling and CloudTrail details
// (see scanner).

var scalingFolds = foldSet("startTime", "endTime", "newDesiredCapacity", "oldDesiredCapacity",
	"minCapacity", "maxCapacity", "resourceId", "scalableDimension", "serviceNamespace",
	"statusCode", "scaledToMax", "direction")

func (s *scanner) scaling(d *ScalingActivity) {
	if !s.object() {
		return
	}
	var seen uint64
	for first := true; s.more('}', &first); {
		switch k := s.key(); string(k) {
		case "startTime":
			s.seen(&seen, 0)
			d.StartTime = s.stamp()
		case "endTime":
			s.seen(&seen, 1)
			d.EndTime = s.stamp()
		case "newDesiredCapacity":
			s.seen(&seen, 2)
			d.NewDesiredCapacity = s.intPtr()
		case "oldDesiredCapacity":
			s.seen(&seen, 3)
			d.OldDesiredCapacity = s.intPtr()
		case "minCapacity":
			s.seen(&seen, 4)
			d.MinCapacity = s.intPtr()
		case "maxCapacity":
			s.seen(&seen, 5)
			d.MaxCapacity = s.intPtr()
		case "resourceId":
			s.seen(&seen, 6)
			d.ResourceID = s.str()
		case "scalableDimension":
			s.seen(&seen, 7)
			d.ScalableDimension = s.str()
		case "serviceNamespace":
			s.seen(&seen, 8)
			d.ServiceNamespace = s.str()
		case "statusCode":
			s.seen(&seen, 9)
			d.StatusCode = s.str()
		case "scaledToMax":
			s.seen(&seen, 10)
			d.ScaledToMax = s.bool()
		case "direction":
			s.seen(&seen, 11)
			d.Direction = s.str()
		default:
			s.unknown(k, scalingFolds)
		}
	}
}

var healthFolds = foldSet("eventArn", "service", "eventTypeCode", "eventTypeCategory",
	"eventScopeCode", "statusCode", "communicationId", "eventRegion", "startTime", "endTime",
	"lastUpdatedTime", "eventDescription", "affectedEntities", "affectedAccount", "eventMetadata")

func (s *scanner) health(d *Health) {
	if !s.object() {
		return
	}
	var seen uint64
	for first := true; s.more('}', &first); {
		switch k := s.key(); string(k) {
		case "eventArn":
			s.seen(&seen, 0)
			d.EventARN = s.str()
		case "service":
			s.seen(&seen, 1)
			d.Service = s.str()
		case "eventTypeCode":
			s.seen(&seen, 2)
			d.EventTypeCode = s.str()
		case "eventTypeCategory":
			s.seen(&seen, 3)
			d.EventTypeCategory = s.str()
		case "eventScopeCode":
			s.seen(&seen, 4)
			d.EventScopeCode = s.str()
		case "statusCode":
			s.seen(&seen, 5)
			d.StatusCode = s.str()
		case "communicationId":
			s.seen(&seen, 6)
			d.CommunicationID = s.str()
		case "eventRegion":
			s.seen(&seen, 7)
			d.EventRegion = s.str()
		case "startTime":
			s.seen(&seen, 8)
			d.StartTime = s.stamp()
		case "endTime":
			s.seen(&seen, 9)
			d.EndTime = s.stamp()
		case "lastUpdatedTime":
			s.seen(&seen, 10)
			d.LastUpdatedTime = s.stamp()
		case "eventDescription":
			s.seen(&seen, 11)
			d.EventDescription = s.healthTexts()
		case "affectedEntities":
			s.seen(&seen, 12)
			d.AffectedEntities = s.healthEntities()
		case "affectedAccount":
			s.seen(&seen, 13)
			d.AffectedAccount = s.str()
		case "eventMetadata":
			s.seen(&seen, 14)
			d.EventMetadata = s.anyMap(0)
		default:
			s.unknown(k, healthFolds)
		}
	}
}

var healthTextFolds = foldSet("language", "latestDescription")

func (s *scanner) healthTexts() []HealthText {
	if !s.array() {
		return nil
	}
	var buf [4]HealthText
	out := buf[:0]
	for first := true; s.more(']', &first); {
		out = append(out, HealthText{})
		s.healthText(&out[len(out)-1])
	}
	return list(out)
}

func (s *scanner) healthText(d *HealthText) {
	if !s.object() {
		return
	}
	var seen uint64
	for first := true; s.more('}', &first); {
		switch k := s.key(); string(k) {
		case "language":
			s.seen(&seen, 0)
			d.Language = s.str()
		case "latestDescription":
			s.seen(&seen, 1)
			d.LatestDescription = s.str()
		default:
			s.unknown(k, healthTextFolds)
		}
	}
}

var healthEntityFolds = foldSet("entityValue", "entityArn", "status", "lastUpdatedTime", "tags")

func (s *scanner) healthEntities() []HealthEntity {
	if !s.array() {
		return nil
	}
	var buf [4]HealthEntity
	out := buf[:0]
	for first := true; s.more(']', &first); {
		out = append(out, HealthEntity{})
		s.healthEntity(&out[len(out)-1])
	}
	return list(out)
}

func (s *scanner) healthEntity(d *HealthEntity) {
	if !s.object() {
		return
	}
	var seen uint64
	for first := true; s.more('}', &first); {
		switch k := s.key(); string(k) {
		case "entityValue":
			s.seen(&seen, 0)
			d.EntityValue = s.str()
		case "entityArn":
			s.seen(&seen, 1)
			d.EntityARN = s.str()
		case "status":
			s.seen(&seen, 2)
			d.Status = s.str()
		case "lastUpdatedTime":
			s.seen(&seen, 3)
			d.LastUpdatedTime = s.stamp()
		case "tags":
			s.seen(&seen, 4)
			d.Tags = s.strMap()
		default:
			s.unknown(k, healthEntityFolds)
		}
	}
}

// anyMap reads a map[string]any (null is nil) as Decode does: objects as map[string]any,
// arrays as []any, numbers as float64.
func (s *scanner) anyMap(depth int) map[string]any {
	if !s.object() {
		return nil
	}
	out := map[string]any{}
	for first := true; s.more('}', &first); {
		k, ok := s.mapKey()
		if !ok {
			return nil
		}
		out[k] = s.any(depth + 1)
	}
	return out
}

// any reads a value of any type as Decode reads it into an empty interface.
func (s *scanner) any(depth int) any {
	if depth > maxDepth {
		s.fail()
		return nil
	}
	switch c := s.peek(); {
	case c == '"':
		return s.str()
	case c == '{':
		return s.anyMap(depth)
	case c == '[':
		s.i++
		out := []any{}
		for first := true; s.more(']', &first); {
			out = append(out, s.any(depth+1))
		}
		return out
	case c == 't' || c == 'f':
		return s.bool()
	case c == 'n':
		s.literal("null")
		return nil
	default:
		return s.float()
	}
}

var cloudTrailFolds = foldSet("eventVersion", "userIdentity", "eventTime", "eventSource",
	"eventName", "awsRegion", "sourceIPAddress", "userAgent", "errorCode", "errorMessage",
	"requestParameters", "responseElements", "requestID", "eventID", "eventType", "readOnly",
	"recipientAccountId")

func (s *scanner) cloudTrail(d *CloudTrail) {
	if !s.object() {
		return
	}
	var seen uint64
	for first := true; s.more('}', &first); {
		switch k := s.key(); string(k) {
		case "eventVersion":
			s.seen(&seen, 0)
			d.EventVersion = s.str()
		case "userIdentity":
			s.seen(&seen, 1)
			s.userIdentity(&d.UserIdentity)
		case "eventTime":
			s.seen(&seen, 2)
			d.EventTime = s.stamp()
		case "eventSource":
			s.seen(&seen, 3)
			d.EventSource = s.str()
		case "eventName":
			s.seen(&seen, 4)
			d.EventName = s.str()
		case "awsRegion":
			s.seen(&seen, 5)
			d.AWSRegion = s.str()
		case "sourceIPAddress":
			s.seen(&seen, 6)
			d.SourceIPAddress = s.str()
		case "userAgent":
			s.seen(&seen, 7)
			d.UserAgent = s.str()
		case "errorCode":
			s.seen(&seen, 8)
			d.ErrorCode = s.str()
		case "errorMessage":
			s.seen(&seen, 9)
			d.ErrorMessage = s.str()
		case "requestParameters":
			s.seen(&seen, 10)
			s.callRequest(&d.RequestParameters)
		case "responseElements":
			s.seen(&seen, 11)
			if !s.null() {
				d.ResponseElements = new(CallResponse)
				s.callResponse(d.ResponseElements)
			}
		case "requestID":
			s.seen(&seen, 12)
			d.RequestID = s.str()
		case "eventID":
			s.seen(&seen, 13)
			d.EventID = s.str()
		case "eventType":
			s.seen(&seen, 14)
			d.EventType = s.str()
		case "readOnly":
			s.seen(&seen, 15)
			d.ReadOnly = s.bool()
		case "recipientAccountId":
			s.seen(&seen, 16)
			d.RecipientAccountID = s.str()
		default:
			s.unknown(k, cloudTrailFolds)
		}
	}
}

var userIdentityFolds = foldSet("type", "principalId", "arn", "accountId", "userName", "invokedBy",
	"sessionContext")

func (s *scanner) userIdentity(d *UserIdentity) {
	if !s.object() {
		return
	}
	var seen uint64
	for first := true; s.more('}', &first); {
		switch k := s.key(); string(k) {
		case "type":
			s.seen(&seen, 0)
			d.Type = s.str()
		case "principalId":
			s.seen(&seen, 1)
			d.PrincipalID = s.str()
		case "arn":
			s.seen(&seen, 2)
			d.ARN = s.str()
		case "accountId":
			s.seen(&seen, 3)
			d.AccountID = s.str()
		case "userName":
			s.seen(&seen, 4)
			d.UserName = s.str()
		case "invokedBy":
			s.seen(&seen, 5)
			d.InvokedBy = s.str()
		case "sessionContext":
			s.seen(&seen, 6)
			s.sessionContext(&d.SessionContext)
		default:
			s.unknown(k, userIdentityFolds)
		}
	}
}

var sessionContextFolds = foldSet("sessionIssuer")
var sessionIssuerFolds = foldSet("type", "arn", "userName")

func (s *scanner) sessionContext(d *SessionContext) {
	if !s.object() {
		return
	}
	var seen uint64
	for first := true; s.more('}', &first); {
		switch k := s.key(); string(k) {
		case "sessionIssuer":
			s.seen(&seen, 0)
			if !s.object() {
				continue
			}
			var seen2 uint64
			for first2 := true; s.more('}', &first2); {
				switch k := s.key(); string(k) {
				case "type":
					s.seen(&seen2, 0)
					d.SessionIssuer.Type = s.str()
				case "arn":
					s.seen(&seen2, 1)
					d.SessionIssuer.ARN = s.str()
				case "userName":
					s.seen(&seen2, 2)
					d.SessionIssuer.UserName = s.str()
				default:
					s.unknown(k, sessionIssuerFolds)
				}
			}
		default:
			s.unknown(k, sessionContextFolds)
		}
	}
}

var callRequestFolds = foldSet("cluster", "service", "desiredCount", "taskDefinition",
	"forceNewDeployment", "count", "launchType", "capacityProviderStrategy", "group", "startedBy")

func (s *scanner) callRequest(d *CallRequest) {
	if !s.object() {
		return
	}
	var seen uint64
	for first := true; s.more('}', &first); {
		switch k := s.key(); string(k) {
		case "cluster":
			s.seen(&seen, 0)
			d.Cluster = s.str()
		case "service":
			s.seen(&seen, 1)
			d.Service = s.str()
		case "desiredCount":
			s.seen(&seen, 2)
			d.DesiredCount = s.intPtr()
		case "taskDefinition":
			s.seen(&seen, 3)
			d.TaskDefinition = s.str()
		case "forceNewDeployment":
			s.seen(&seen, 4)
			d.ForceNewDeployment = s.bool()
		case "count":
			s.seen(&seen, 5)
			d.Count = s.int()
		case "launchType":
			s.seen(&seen, 6)
			d.LaunchType = s.str()
		case "capacityProviderStrategy":
			s.seen(&seen, 7)
			d.CapacityProviderStrategy = s.strategies()
		case "group":
			s.seen(&seen, 8)
			d.Group = s.str()
		case "startedBy":
			s.seen(&seen, 9)
			d.StartedBy = s.str()
		default:
			s.unknown(k, callRequestFolds)
		}
	}
}

var strategyFolds = foldSet("capacityProvider", "weight", "base")

func (s *scanner) strategies() []CapacityProviderStrategy {
	if !s.array() {
		return nil
	}
	var buf [4]CapacityProviderStrategy
	out := buf[:0]
	for first := true; s.more(']', &first); {
		out = append(out, CapacityProviderStrategy{})
		c := &out[len(out)-1]
		if !s.object() {
			continue
		}
		var seen uint64
		for first2 := true; s.more('}', &first2); {
			switch k := s.key(); string(k) {
			case "capacityProvider":
				s.seen(&seen, 0)
				c.CapacityProvider = s.str()
			case "weight":
				s.seen(&seen, 1)
				c.Weight = s.int()
			case "base":
				s.seen(&seen, 2)
				c.Base = s.int()
			default:
				s.unknown(k, strategyFolds)
			}
		}
	}
	return list(out)
}

var callResponseFolds = foldSet("tasks", "failures", "service")
var responseTaskFolds = foldSet("taskArn")
var failureFolds = foldSet("arn", "reason", "detail")
var responseServiceFolds = foldSet("serviceArn", "serviceName", "clusterArn", "desiredCount",
	"runningCount", "pendingCount")

func (s *scanner) callResponse(d *CallResponse) {
	if !s.object() {
		return
	}
	var seen uint64
	for first := true; s.more('}', &first); {
		switch k := s.key(); string(k) {
		case "tasks":
			s.seen(&seen, 0)
			if !s.array() {
				continue
			}
			d.Tasks = []struct {
				TaskARN string `json:"taskArn,omitempty"`
			}{}
			for first2 := true; s.more(']', &first2); {
				d.Tasks = append(d.Tasks, struct {
					TaskARN string `json:"taskArn,omitempty"`
				}{})
				t := &d.Tasks[len(d.Tasks)-1]
				if !s.object() {
					continue
				}
				var seen2 uint64
				for first3 := true; s.more('}', &first3); {
					switch k := s.key(); string(k) {
					case "taskArn":
						s.seen(&seen2, 0)
						t.TaskARN = s.str()
					default:
						s.unknown(k, responseTaskFolds)
					}
				}
			}
		case "failures":
			s.seen(&seen, 1)
			d.Failures = s.failures()
		case "service":
			s.seen(&seen, 2)
			if !s.object() {
				continue
			}
			v := &d.Service
			var seen2 uint64
			for first2 := true; s.more('}', &first2); {
				switch k := s.key(); string(k) {
				case "serviceArn":
					s.seen(&seen2, 0)
					v.ServiceARN = s.str()
				case "serviceName":
					s.seen(&seen2, 1)
					v.ServiceName = s.str()
				case "clusterArn":
					s.seen(&seen2, 2)
					v.ClusterARN = s.str()
				case "desiredCount":
					s.seen(&seen2, 3)
					v.DesiredCount = s.intPtr()
				case "runningCount":
					s.seen(&seen2, 4)
					v.RunningCount = s.intPtr()
				case "pendingCount":
					s.seen(&seen2, 5)
					v.PendingCount = s.intPtr()
				default:
					s.unknown(k, responseServiceFolds)
				}
			}
		default:
			s.unknown(k, callResponseFolds)
		}
	}
}

func (s *scanner) failures() []Failure {
	if !s.array() {
		return nil
	}
	var buf [4]Failure
	out := buf[:0]
	for first := true; s.more(']', &first); {
		out = append(out, Failure{})
		f := &out[len(out)-1]
		if !s.object() {
			continue
		}
		var seen uint64
		for first2 := true; s.more('}', &first2); {
			switch k := s.key(); string(k) {
			case "arn":
				s.seen(&seen, 0)
				f.ARN = s.str()
			case "reason":
				s.seen(&seen, 1)
				f.Reason = s.str()
			case "detail":
				s.seen(&seen, 2)
				f.Detail = s.str()
			default:
				s.unknown(k, failureFolds)
			}
		}
	}
	return list(out)
}

package event

// Health is the detail of an AWS Health Event.
type Health struct {
	EventARN          string         `json:"eventArn"`
	Service           string         `json:"service"`
	EventTypeCode     string         `json:"eventTypeCode"`
	EventTypeCategory string         `json:"eventTypeCategory"` // issue, scheduledChange, accountNotification, investigation
	EventScopeCode    string         `json:"eventScopeCode,omitempty"`
	StatusCode        string         `json:"statusCode,omitempty"` // open, upcoming, closed
	CommunicationID   string         `json:"communicationId,omitempty"`
	EventRegion       string         `json:"eventRegion,omitempty"`
	StartTime         Timestamp      `json:"startTime,omitempty"` // RFC 1123: "Sat, 05 Jun 2016 15:10:09 GMT"
	EndTime           Timestamp      `json:"endTime,omitempty"`
	LastUpdatedTime   Timestamp      `json:"lastUpdatedTime,omitempty"`
	EventDescription  []HealthText   `json:"eventDescription,omitempty"`
	AffectedEntities  []HealthEntity `json:"affectedEntities,omitempty"`
	AffectedAccount   string         `json:"affectedAccount,omitempty"`
	EventMetadata     map[string]any `json:"eventMetadata,omitempty"`
}

// HealthText is a Health event description in one language.
type HealthText struct {
	Language          string `json:"language"`
	LatestDescription string `json:"latestDescription"`
}

// HealthEntity is a resource a Health event affects: an instance id, a task ARN, …
type HealthEntity struct {
	EntityValue     string            `json:"entityValue"`
	EntityARN       string            `json:"entityArn,omitempty"`
	Status          string            `json:"status,omitempty"`
	LastUpdatedTime Timestamp         `json:"lastUpdatedTime,omitempty"`
	Tags            map[string]string `json:"tags,omitempty"`
}

// Description returns the English description, else the first one.
func (h Health) Description() string {
	for _, d := range h.EventDescription {
		if d.Language == "en_US" || d.Language == "en" {
			return d.LatestDescription
		}
	}
	if len(h.EventDescription) > 0 {
		return h.EventDescription[0].LatestDescription
	}
	return ""
}

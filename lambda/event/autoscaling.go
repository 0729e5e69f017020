package event

// ScalingActivity is the detail of an Application Auto Scaling Scaling Activity State Change.
// Application Auto Scaling sends it only when a target is scaled to its maximum.
type ScalingActivity struct {
	StartTime          Timestamp `json:"startTime,omitempty"`
	EndTime            Timestamp `json:"endTime,omitempty"`
	NewDesiredCapacity *int      `json:"newDesiredCapacity,omitempty"`
	OldDesiredCapacity *int      `json:"oldDesiredCapacity,omitempty"`
	MinCapacity        *int      `json:"minCapacity,omitempty"`
	MaxCapacity        *int      `json:"maxCapacity,omitempty"`
	ResourceID         string    `json:"resourceId"`        // ECS: service/<cluster>/<service>
	ScalableDimension  string    `json:"scalableDimension"` // ECS: ecs:service:DesiredCount
	ServiceNamespace   string    `json:"serviceNamespace"`  // ECS: ecs
	StatusCode         string    `json:"statusCode,omitempty"`
	ScaledToMax        bool      `json:"scaledToMax"`
	Direction          string    `json:"direction,omitempty"` // scale-out, scale-in
}

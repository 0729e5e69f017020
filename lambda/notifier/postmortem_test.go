package notifier

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/foghornhq/foghorn/lambda/deployments"
	"github.com/foghornhq/foghorn/lambda/envelope"
	"github.com/foghornhq/foghorn/lambda/internal/awsfake"
	"github.com/foghornhq/foghorn/lambda/internal/chatfake"
	fx "github.com/foghornhq/foghorn/lambda/internal/fixtures"
)

// TestGoldenPostMortem renders a failed, rolled back or paused deployment through the whole
// pipeline with the post-mortem asking a fake ECS, and compares with testdata/golden: the
// message names the alarm or the failure count that stopped the deployment.
func TestGoldenPostMortem(t *testing.T) {
	const api = "aws-derived/ecs-api/"
	tests := []struct {
		golden, event, answer string
		says                  []string
	}{
		{"postmortem-circuit-breaker-rollback", failed, api + "ecs-api-describe-service-deployments-circuit-breaker-rollback-wire.json",
			[]string{"circuit breaker tripped at 3 of 3 failed tasks", "rollback to revision 4980306466373577095 succeeded"}},
		{"postmortem-alarm-rollback", "aws-derived/ecs-deployment-state-change-failed-alarm.json", api + "ecs-api-describe-service-deployments-alarm-rollback-wire.json",
			[]string{"alarm servicetest-5xx went off", "BLUE_GREEN (bake time 10 min)", "#alarmsV2:alarm/servicetest-5xx"}},
		{"postmortem-rollback-failed", failed, api + "ecs-api-describe-service-deployments-rollback-failed-wire.json",
			[]string{"rollback failed", "5 failed tasks of a threshold of 5"}},
		{"postmortem-paused", paused, api + "ecs-api-describe-service-deployments-paused-wire.json",
			[]string{"ECS will ROLLBACK at 2026-03-05 16:04:41 UTC", "waiting for a decision until 2026-03-05 16:04 UTC"}},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			fake := awsfake.NewECS()
			defer fake.Close()
			if err := fake.AddServiceDeployments(read(t, tt.answer)); err != nil {
				t.Fatal(err)
			}
			n := slackNotifier(t, "https://hooks.slack.example/services/TFAKE/BFAKE/fake-secret-for-tests", nil, nil,
				WithPostMortem(deployments.PostMortem{API: fake.Client()}))
			recs, err := envelope.Split(read(t, tt.event))
			if err != nil {
				t.Fatal(err)
			}
			plan := n.Plan(context.Background(), recs)
			if len(plan.Messages) != 1 {
				t.Fatalf("%d messages, want 1", len(plan.Messages))
			}
			m := plan.Messages[0]
			if check := chatfake.CheckSlackMessage(m.Payload); check.Code != "" {
				t.Errorf("Slack would refuse the message: %s (%s)", check.Code, check.Problem)
			}
			for _, s := range tt.says {
				if !bytes.Contains(m.Payload, []byte(s)) {
					t.Errorf("the message does not say %q:\n%s", s, m.Payload)
				}
			}
			if p := fake.Problems(); len(p) > 0 {
				t.Errorf("requests ECS would refuse: %v", p)
			}
			fx.Golden(t, filepath.Join("testdata", "golden", tt.golden+".json"), fx.JSON(t, goldenPlan{Messages: plan.Messages}))
		})
	}
}

// TestPostMortemUnavailable: when ECS cannot be asked (the role lacks the permission, say),
// the failure is still told, at once, and the log says why it goes without its post-mortem.
func TestPostMortemUnavailable(t *testing.T) {
	fake := awsfake.NewECS()
	defer fake.Close()
	fake.FailServiceDeployments(awsfake.AccessDenied("ecs:ListServiceDeployments", "arn:aws:ecs:us-west-2:111122223333:service/default/servicetest"))
	var logs bytes.Buffer
	n := slackNotifier(t, "https://hooks.slack.example/services/TFAKE/BFAKE/fake-secret-for-tests", nil, nil,
		WithPostMortem(deployments.PostMortem{API: fake.Client()}), WithLogger(slog.New(slog.NewJSONHandler(&logs, nil))))
	plan := n.Plan(context.Background(), batch(t, failed))
	if len(plan.Messages) != 1 || !strings.Contains(plan.Messages[0].Alert.Title, "servicetest: deployment ecs-svc/123 failed") {
		t.Fatalf("messages = %+v", plan.Messages)
	}
	if !strings.Contains(logs.String(), "deployment post-mortem unavailable") || !strings.Contains(logs.String(), "AccessDeniedException") {
		t.Errorf("logs do not say why:\n%s", logs.String())
	}
}

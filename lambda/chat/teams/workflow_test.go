package teams

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/foghornhq/foghorn/lambda/chat"
	"github.com/foghornhq/foghorn/lambda/chat/deliver"
	"github.com/foghornhq/foghorn/lambda/internal/chatfake"
	"github.com/foghornhq/foghorn/lambda/internal/fixtures"
)

// The workflow URL the code under test is given: obviously fake, of the real shape, sig and all.
const (
	fakeSig  = "fake-sig-for-tests"
	fakePath = "/workflows/0000fake/triggers/manual/paths/invoke"
	fakeURL  = "https://prod-00.westeurope.logic.example:443" + fakePath +
		"?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=" + fakeSig
)

var target = fixtures.Target{URL: fakeURL, Key: fakePath, Body: fixtures.SampleBody(Render),
	New:     func(h *fixtures.Harness, url string) chat.Target { return NewWorkflow(url, h.Client) },
	Secrets: []string{fakeSig, fakeURL, "sig="}}

// The shared table's "delivered, once" is the trigger's 202.
func TestWorkflowDeliveryClasses(t *testing.T) {
	s, ms := time.Second, time.Millisecond
	fixtures.RunDeliveries(t, target, []fixtures.DeliveryCase{
		{Name: "200 is delivered too", Setup: target.Script(chatfake.Answer(200, "")), Class: deliver.Delivered, Requests: 1},
		{Name: "a bad card is still 202: delivered, the flow fails later",
			Body:  []byte(`{"type":"message","attachments":null}`),
			Class: deliver.Delivered, Requests: 1},
		{Name: "legacy 200 saying HTTP error 429: rate limited, then ok",
			Setup: target.Script(chatfake.TeamsLegacyRateLimited()),
			Class: deliver.Delivered, Requests: 2, Waits: []time.Duration{100 * ms}},
		{Name: "legacy 429 text forever: rate limited in the end",
			Setup: target.Script(chatfake.TeamsLegacyRateLimited().Forever()),
			Class: deliver.RateLimited, Status: 200, Code: "legacy_429", Requests: 3, Waits: []time.Duration{100 * ms, 200 * ms}},
		{Name: "rate limiter of the fake: 4 a second",
			Opts: chatfake.Options{RateLimit: true},
			Setup: func(h *fixtures.Harness) {
				for range 4 {
					if err := target.Post(context.Background(), h, target.Body); err != nil {
						panic(err)
					}
				}
			},
			Class: deliver.Delivered, Requests: 2, Waits: []time.Duration{s}},
		{Name: "too large: permanent, never retried",
			Body:  []byte(`{"type":"message","attachments":[` + strings.Repeat(" ", 29<<10) + `]}`),
			Class: deliver.Permanent, Status: 413, Code: "MessageTooLarge", Requests: 1},
		{Name: "not JSON: permanent",
			Body:  []byte(`{"type":`),
			Class: deliver.Permanent, Status: 400, Code: "InvalidRequestContent", Requests: 1},
		{Name: "sig regenerated: gone",
			Setup: target.SetState(chatfake.Revoked),
			Class: deliver.Gone, Status: 401, Code: "DirectApiInvalidAuthorizationSignature", Requests: 1},
		{Name: "flow turned off: gone",
			Setup: target.SetState(chatfake.Archived),
			Class: deliver.Gone, Status: 403, Code: "WorkflowDisabled", Requests: 1},
		{Name: "flow deleted: gone",
			Setup: target.SetState(chatfake.Deleted),
			Class: deliver.Gone, Status: 404, Code: "WorkflowNotFound", Requests: 1},
	})
}

func TestWorkflowGoneStaysGone(t *testing.T) {
	fixtures.AssertGoneStaysGone(t, target, chatfake.Deleted)
}

// The fake records a 202 with a failed flow for a bad envelope: the sender cannot tell, which
// is why the renderer's tests check every card against the same rules.
func TestWorkflowBadCardFailsAfterTheFact(t *testing.T) {
	h := fixtures.NewHarness(t, chatfake.Options{})
	if err := target.Post(context.Background(), h, []byte(`{"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive","contentUrl":null,"content":{"type":"AdaptiveCard","version":"1.4","body":[],"actions":[{"type":"Action.Submit","title":"x"}]}}]}`)); err != nil {
		t.Fatal(err)
	}
	reqs := h.Fake.Requests(fakePath)
	if len(reqs) != 1 || !strings.HasPrefix(reqs[0].Problem, chatfake.TeamsFlowRunFailed) {
		t.Errorf("requests %+v", reqs)
	}
}

func TestWorkflowNeverLeaksURL(t *testing.T) {
	fixtures.AssertNeverLeaks(t, target)
}

func TestCheck(t *testing.T) {
	fixtures.RunChecks(t, Check, []fixtures.CheckCase{
		{Status: 202, Class: deliver.Delivered},
		{Status: 200, Body: "1", Class: deliver.Delivered},
		{Status: 204, Class: deliver.Delivered},
		{Status: 200, Body: "Microsoft Teams endpoint returned HTTP error 429 with ContextId x", Class: deliver.RateLimited, Code: "legacy_429"},
		{Status: 429, Body: `{"error":{"code":"WorkflowRequestsThrottled","message":"x"}}`, Header: http.Header{"Retry-After": {"5"}}, Class: deliver.RateLimited, Code: "WorkflowRequestsThrottled", After: 5 * time.Second},
		{Status: 413, Body: `{"error":{"code":"MessageTooLarge"}}`, Class: deliver.Permanent, Code: "MessageTooLarge"},
		{Status: 400, Body: `{"error":{"code":"<script>"}}`, Class: deliver.Permanent},
		{Status: 401, Class: deliver.Gone},
		{Status: 403, Class: deliver.Gone},
		{Status: 404, Body: `{"error":{"code":"WorkflowNotFound"}}`, Class: deliver.Gone, Code: "WorkflowNotFound"},
		{Status: 408, Class: deliver.Retryable},
		{Status: 500, Body: `<html/>`, Class: deliver.Retryable},
		{Status: 302, Class: deliver.Permanent},
	})
}

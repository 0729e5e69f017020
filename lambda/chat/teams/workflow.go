package teams

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"

	"github.com/foghornhq/foghorn/lambda/alert"
	"github.com/foghornhq/foghorn/lambda/chat"
	"github.com/foghornhq/foghorn/lambda/chat/deliver"
)

// Workflow is a Teams Workflows webhook. Its URL carries the trigger's sig and is a secret:
// printing and logging a Workflow hide it, and delivery errors never contain it (see
// deliver.Hook).
type Workflow struct{ deliver.Hook }

var _ chat.Target = (*Workflow)(nil)

// NewWorkflow returns the workflow target for url; a nil client means deliver's defaults.
func NewWorkflow(url string, c *deliver.Client) *Workflow {
	return &Workflow{deliver.Hook{Kind: "teams workflow", URL: url, Client: c}}
}

// Render is the package's Render, so that a Workflow is a chat.Target.
func (w *Workflow) Render(a alert.Alert) ([]byte, error) { return Render(a) }

// Post sends a rendered body. The error, if any, is a *deliver.Error.
func (w *Workflow) Post(ctx context.Context, body []byte) error {
	return w.Send(ctx, w.URL, "application/json", body, Check)
}

// legacyThrottled is how the retired Office 365 connectors said 429: inside a 200's text.
var legacyThrottled = []byte("HTTP error 429")

// Check classifies a Workflows answer:
//
//   - 2xx: delivered. Workflows answers 202 Accepted and runs the flow afterwards, so there is
//     no confirmation to wait for; treating only 200 as success re-sends every alert (tools
//     that did so posted each message three times).
//   - 200 whose text says "HTTP error 429": rate limited, as legacy connectors reported it.
//   - 429: rate limited, with Retry-After.
//   - 401, 403, 404: gone (the URL's sig was regenerated, the flow turned off or deleted).
//   - 413: permanent, never retried: Render already keeps bodies well under the limit, so a
//     413 means the limit moved and sending the same bytes again cannot help.
//   - 408 and 5xx: retryable.
//   - any other status: permanent.
//
// The verdict's code is the error code of Azure's {"error":{"code":…}} answer, when there is one.
func Check(resp deliver.Response) deliver.Verdict {
	if resp.Status == http.StatusOK && bytes.Contains(resp.Body, legacyThrottled) {
		return deliver.Verdict{Class: deliver.RateLimited, Code: "legacy_429", RetryAfter: deliver.RetryAfter(resp)}
	}
	return deliver.CheckStatus(resp, errorCode(resp.Body), http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound)
}

// errorCode reads Azure's error code, if it looks like one: whatever else a proxy says never
// reaches an error message or a log line.
func errorCode(body []byte) string {
	var v struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &v) != nil {
		return ""
	}
	s := v.Error.Code
	if len(s) > 64 {
		return ""
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '.') {
			return ""
		}
	}
	return s
}

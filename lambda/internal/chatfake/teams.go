package chatfake

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// TargetTeams names the Microsoft Teams Workflows webhook in scripts, rates and filters.
const TargetTeams = "teams"

// TeamsFlowRunFailed starts the Problem of a request the workflow accepted with 202 and then
// failed to post: Workflows runs asynchronously, so a bad envelope or card is only visible in
// the flow's run history, never to the sender. Tests look for it in Request.Problem.
const TeamsFlowRunFailed = "flow_run_failed"

// teamsMaxBody is the documented message limit: "The message size limit is 28 KB".
const teamsMaxBody = 28 << 10

func init() {
	register(endpoint{
		target:  TargetTeams,
		pattern: "/workflows/{id}/triggers/manual/paths/invoke",
		serve:   serveTeams,
		dead:    teamsDead,
		limited: func(wait time.Duration) Reply {
			return withRetryAfter(teamsError(http.StatusTooManyRequests, "WorkflowRequestsThrottled",
				"The workflow's trigger is throttled; retry after the window refreshes."), wait)
		},
		// "If more than four requests are made in a second, the client connection is throttled."
		rate: Rate{PerSecond: 4, Burst: 4},
	})
}

// TeamsWorkflowURL hands out the URL of a Teams workflow named name, active (also under
// Options.Strict), in the shape the "When a Teams webhook request is received" trigger has;
// its sig is checked.
func (s *Server) TeamsWorkflowURL(name string) string {
	path := "/workflows/" + hex.EncodeToString([]byte(name)) + "/triggers/manual/paths/invoke"
	sig := "fake-sig-" + url.QueryEscape(name)
	s.handOutWith(path, sig)
	return s.URL() + path + "?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=" + sig
}

// TeamsLegacyRateLimited is how the retired Office 365 connectors reported throttling: HTTP 200
// with a text body that says 429.
func TeamsLegacyRateLimited() Fault {
	return Fault{Name: "teams legacy 200 with 429 text", Status: http.StatusOK,
		Body: "Microsoft Teams endpoint returned HTTP error 429 with ContextId tcid=0,server=fake,cv=fake."}
}

func teamsError(status int, code, message string) Reply {
	b, _ := json.Marshal(map[string]any{"error": map[string]string{"code": code, "message": message}})
	return reply(status, "application/json; charset=utf-8", string(b))
}

// teamsDead is what a dead workflow answers: a regenerated URL's old sig is refused, a turned
// off flow is forbidden, a deleted one is not found.
func teamsDead(st State) Reply {
	switch st {
	case Revoked:
		return teamsError(http.StatusUnauthorized, "DirectApiInvalidAuthorizationSignature", "The provided shared access signature is not valid.")
	case Archived:
		return teamsError(http.StatusForbidden, "WorkflowDisabled", "The workflow is disabled.")
	}
	return teamsError(http.StatusNotFound, "WorkflowNotFound", "The workflow could not be found.")
}

func serveTeams(s *Server, x *exchange) Reply {
	sig := x.r.URL.Query().Get("sig")
	want, known := s.secretOf(x.rec.Key)
	switch {
	case sig == "":
		x.rec.Problem = "no sig in the query"
		return teamsError(http.StatusUnauthorized, "DirectApiAuthorizationRequired", "The request must be authenticated by the sig query parameter.")
	case known && sig != want:
		x.rec.Problem = "wrong sig"
		return teamsError(http.StatusUnauthorized, "DirectApiInvalidAuthorizationSignature", "The provided shared access signature is not valid.")
	case len(x.rec.Body) > teamsMaxBody:
		x.rec.Problem = fmt.Sprintf("body of %d bytes, more than %d", len(x.rec.Body), teamsMaxBody)
		return teamsError(http.StatusRequestEntityTooLarge, "MessageTooLarge", "The message size limit is 28 KB.")
	}
	if x.notJSON() {
		return teamsError(http.StatusBadRequest, "InvalidRequestContent", "The request content is not valid JSON.")
	}
	c := CheckTeamsMessage(x.rec.Body)
	x.rec.JSON, x.rec.Problem = c.JSON, c.Problem
	if c.Status != http.StatusAccepted {
		return teamsError(c.Status, "InvalidRequestContent", "The request content is not valid JSON.")
	}
	return Reply{Status: http.StatusAccepted, Header: http.Header{}}
}

// TeamsCheck is what the fake Teams makes of a body.
type TeamsCheck struct {
	// Status is 202 when the trigger accepts the body (even when the flow then fails), or 400
	// for a body that is not JSON, or 413 when it is over 28 KB.
	Status int
	// Problem is "" for a card the flow posts, else why it was refused; a flow run failure
	// starts with TeamsFlowRunFailed.
	Problem string
	JSON    any
}

// FlowRunFailed reports whether the trigger accepted the body but the flow failed on it.
func (c TeamsCheck) FlowRunFailed() bool { return strings.HasPrefix(c.Problem, TeamsFlowRunFailed) }

// CheckTeamsMessage validates a body as the Workflows trigger and the "post card" step do.
func CheckTeamsMessage(body []byte) TeamsCheck {
	if len(body) > teamsMaxBody {
		return TeamsCheck{Status: http.StatusRequestEntityTooLarge, Problem: fmt.Sprintf("body of %d bytes, more than %d", len(body), teamsMaxBody)}
	}
	v, problem := decodeMessage(body)
	if problem != "" {
		return TeamsCheck{Status: http.StatusBadRequest, Problem: problem}
	}
	c := TeamsCheck{Status: http.StatusAccepted, JSON: v}
	if why := teamsEnvelope(v); why != "" {
		c.Problem = TeamsFlowRunFailed + ": " + why
	}
	return c
}

// teamsEnvelope checks the envelope the default template loops over, and every card in it.
func teamsEnvelope(v any) string {
	m, ok := v.(map[string]any)
	if !ok {
		return "body is not an object"
	}
	if m["type"] != "message" {
		return `"type" is not "message"`
	}
	atts, ok := m["attachments"].([]any)
	if !ok {
		return "'attachments' is of type 'Null'"
	}
	if len(atts) == 0 {
		return "'attachments' is empty"
	}
	for i, a := range atts {
		p := "/attachments/" + strconv.Itoa(i)
		am, ok := a.(map[string]any)
		if !ok {
			return p + " is not an object"
		}
		if am["contentType"] != "application/vnd.microsoft.card.adaptive" {
			return p + `/contentType is not "application/vnd.microsoft.card.adaptive"`
		}
		if cu, ok := am["contentUrl"]; ok && cu != nil {
			return p + "/contentUrl must be null"
		}
		if why := teamsCard(p+"/content", am["content"]); why != "" {
			return why
		}
	}
	return ""
}

var teamsVersions = map[string]bool{"1.0": true, "1.1": true, "1.2": true, "1.3": true, "1.4": true, "1.5": true}

func teamsCard(p string, v any) string {
	c, ok := v.(map[string]any)
	if !ok {
		return p + " is not an object"
	}
	if c["type"] != "AdaptiveCard" {
		return p + `/type is not "AdaptiveCard"`
	}
	ver, _ := c["version"].(string)
	if !teamsVersions[ver] {
		return fmt.Sprintf("%s/version %q is not an Adaptive Card version Teams renders (1.0 to 1.5)", p, ver)
	}
	if why := teamsElements(p+"/body", c["body"], true); why != "" {
		return why
	}
	return teamsActions(p+"/actions", c["actions"])
}

// teamsElements checks a list of card elements; required says the list must be there.
func teamsElements(p string, v any, required bool) string {
	if v == nil && !required {
		return ""
	}
	list, ok := v.([]any)
	if !ok {
		return p + " is not an array"
	}
	for i, e := range list {
		ep := p + "/" + strconv.Itoa(i)
		m, ok := e.(map[string]any)
		if !ok {
			return ep + " is not an object"
		}
		switch t, _ := m["type"].(string); t {
		case "TextBlock":
			if s, ok := m["text"].(string); !ok || s == "" {
				return ep + "/text is required"
			}
		case "FactSet":
			facts, ok := m["facts"].([]any)
			if !ok {
				return ep + "/facts is not an array"
			}
			for j, f := range facts {
				fm, _ := f.(map[string]any)
				_, okT := fm["title"].(string)
				_, okV := fm["value"].(string)
				if !okT || !okV {
					return fmt.Sprintf("%s/facts/%d needs a title and a value", ep, j)
				}
			}
		case "RichTextBlock":
			if _, ok := m["inlines"].([]any); !ok {
				return ep + "/inlines is not an array"
			}
		case "Container":
			if why := teamsElements(ep+"/items", m["items"], true); why != "" {
				return why
			}
		case "ColumnSet":
			cols, _ := m["columns"].([]any)
			for j, col := range cols {
				cm, _ := col.(map[string]any)
				if why := teamsElements(fmt.Sprintf("%s/columns/%d/items", ep, j), cm["items"], false); why != "" {
					return why
				}
			}
		case "ActionSet":
			if why := teamsActions(ep+"/actions", m["actions"]); why != "" {
				return why
			}
		case "Image", "ImageSet", "Table", "Media":
		default:
			return fmt.Sprintf("%s/type %q is not a card element", ep, t)
		}
	}
	return ""
}

func teamsActions(p string, v any) string {
	if v == nil {
		return ""
	}
	list, ok := v.([]any)
	if !ok {
		return p + " is not an array"
	}
	for i, a := range list {
		ap := p + "/" + strconv.Itoa(i)
		m, _ := a.(map[string]any)
		switch t, _ := m["type"].(string); t {
		case "Action.OpenUrl":
			if u, _ := m["url"].(string); !validHTTPURL(u) {
				return ap + "/url is not an http(s) URL"
			}
		case "Action.ShowCard":
			if why := teamsCard(ap+"/card", m["card"]); why != "" {
				return why
			}
		case "Action.ToggleVisibility":
		case "Action.Submit", "Action.Execute":
			return ap + ": " + t + " is not supported by Workflows webhooks"
		default:
			return fmt.Sprintf("%s/type %q is not an action", ap, t)
		}
	}
	return ""
}

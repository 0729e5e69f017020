package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"

	"github.com/foghornhq/foghorn/lambda/chat/deliver"
)

// UserGroupMembers lists the user ids of a user group (usergroups.users.list, which needs the
// bot scope usergroups:read). The actions endpoint uses it for allow-lists that name groups.
func (b *Bot) UserGroupMembers(ctx context.Context, group string) ([]string, error) {
	base := b.APIURL
	if base == "" {
		base = DefaultAPIURL
	}
	h := http.Header{
		"Content-Type":  {"application/x-www-form-urlencoded"},
		"Authorization": {"Bearer " + b.Token},
	}
	body := url.Values{"usergroup": {group}}.Encode()
	resp, err := b.Client.Do(ctx, deliver.Request{URL: base + "usergroups.users.list", Header: h, Body: []byte(body)}, CheckAPI)
	if err != nil {
		return nil, fmt.Errorf("slack: members of user group %s: %w", group, err)
	}
	var out struct {
		Users []string `json:"users"`
	}
	if err := json.Unmarshal(resp.Body, &out); err != nil {
		return nil, fmt.Errorf("slack: members of user group %s: unexpected answer", group)
	}
	return out.Users, nil
}

package actions_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestManifest: the app manifest the README shows turns interactivity on and asks for the
// scopes the bot and the endpoint use, in the shape of Slack's documented example.
func TestManifest(t *testing.T) {
	m := readJSON(t, "foghorn-slack-app-manifest.json")
	docs := readJSON(t, "slack-app-manifest-zork.json")
	for _, k := range []string{"_metadata", "display_information", "features", "oauth_config", "settings"} {
		if _, ok := docs[k]; !ok {
			t.Fatalf("the documented example has no %s", k)
		}
		if _, ok := m[k]; !ok {
			t.Errorf("the manifest has no %s", k)
		}
	}
	in := m["settings"].(map[string]any)["interactivity"].(map[string]any)
	if in["is_enabled"] != true || !strings.HasSuffix(in["request_url"].(string), "/slack/actions") {
		t.Errorf("interactivity %v", in)
	}
	var scopes []string
	for _, s := range m["oauth_config"].(map[string]any)["scopes"].(map[string]any)["bot"].([]any) {
		scopes = append(scopes, s.(string))
	}
	for _, want := range []string{"chat:write", "usergroups:read"} {
		if !slices.Contains(scopes, want) {
			t.Errorf("scopes %v lack %s", scopes, want)
		}
	}
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(filepath.Join("testdata", "foghorn-slack-app-manifest.json"))
	if !strings.Contains(string(readme), strings.TrimSpace(string(raw))) {
		t.Error("README.md does not show testdata/foghorn-slack-app-manifest.json as it is")
	}
}

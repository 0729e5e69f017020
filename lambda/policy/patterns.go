package policy

import (
	"path"
	"slices"

	"github.com/foghornhq/foghorn/lambda/alert"
)

// RuleMutedPattern keeps log patterns a team has muted out of chat.
const RuleMutedPattern = "muted-log-pattern"

// MutedPattern is one known log pattern a team does not want told: its fingerprint (the
// "Fingerprint" fact of its message), optionally only for some services, and why. The config
// document lists them (noise.mutedPatterns) and checks each.
type MutedPattern struct {
	Fingerprint string `json:"fingerprint"`
	// Service limits the mute to these services (globs); empty mutes it in every service.
	Service []string `json:"service,omitempty"`
	// Reason is required: it is logged with every line the mute keeps out.
	Reason string `json:"reason"`
}

// MutePatterns makes the muted-log-pattern rule, if it is on, keep these patterns out. A
// log alert matches an entry by its fingerprint or one of its aliases (the same lines under
// an older scheme), in a service the entry names or in any when it names none.
func (p *Policy) MutePatterns(list []MutedPattern) {
	if len(list) == 0 {
		return
	}
	for i := range p.on {
		if p.on[i].Name != RuleMutedPattern {
			continue
		}
		p.on[i].match = func(a *alert.Alert) bool {
			if a.Kind != alert.KindLog || a.Log == nil {
				return false
			}
			for _, m := range list {
				if m.Fingerprint != a.Log.Fingerprint && !slices.Contains(a.Log.Aliases, m.Fingerprint) {
					continue
				}
				if len(m.Service) == 0 {
					return true
				}
				for _, g := range m.Service {
					if ok, _ := path.Match(g, a.Identity.Service); ok && a.Identity.Service != "" {
						return true
					}
				}
			}
			return false
		}
	}
}

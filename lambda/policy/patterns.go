package policy

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/foghornhq/foghorn/lambda/alert"
)

// RuleMutedPattern keeps log patterns a team has muted out of chat.
const RuleMutedPattern = "muted-log-pattern"

// MutedPattern is one known log pattern a team does not want told: its fingerprint (the
// "Fingerprint" fact of its message), optionally only for some services, and why.
type MutedPattern struct {
	Fingerprint string `json:"fingerprint"`
	// Service limits the mute to these services (globs); empty mutes it in every service.
	Service []string `json:"service,omitempty"`
	// Reason is required: it is logged with every line the mute keeps out.
	Reason string `json:"reason"`
}

var fingerprintRE = regexp.MustCompile(`^lp[1-9]-[0-9a-f]{16}$`)

// ValidateMuted reports every bad entry, keyed as in the config document.
func ValidateMuted(list []MutedPattern) []error {
	var errs []error
	seen := map[string]bool{}
	for i, m := range list {
		key := fmt.Sprintf("noise.mutedPatterns[%d]", i)
		switch {
		case !fingerprintRE.MatchString(m.Fingerprint):
			errs = append(errs, fmt.Errorf("%s.fingerprint: %q is not a log pattern fingerprint (lp1- and 16 hex digits, as the message's Fingerprint shows)", key, m.Fingerprint))
		case seen[m.Fingerprint+strings.Join(m.Service, ",")]:
			errs = append(errs, fmt.Errorf("%s.fingerprint: %s is muted twice", key, m.Fingerprint))
		}
		seen[m.Fingerprint+strings.Join(m.Service, ",")] = true
		if strings.TrimSpace(m.Reason) == "" {
			errs = append(errs, fmt.Errorf("%s.reason: is required: it is logged with every line the mute keeps out", key))
		}
		for j, g := range m.Service {
			if _, err := path.Match(g, ""); err != nil || g == "" {
				errs = append(errs, fmt.Errorf("%s.service[%d]: %q is not a glob", key, j, g))
			}
		}
	}
	return errs
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
				if m.Fingerprint != a.Log.Fingerprint && !contains(a.Log.Aliases, m.Fingerprint) {
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

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

package chatfake

import (
	"hash/fnv"
	"runtime"
	"sync"
	"weak"
)

// extras is per-server state of the endpoints added beside the Slack webhook: credentials the
// fake hands out and what it remembers between requests (Slack messages for chat.update,
// Google Chat threads). It lives outside Server so that each endpoint stays in its own file;
// it is keyed weakly, so it goes when its server does.
type extras struct {
	mu sync.Mutex
	// secrets is what each handed-out URL carries that the endpoint checks, by path: a Teams
	// workflow's sig, a Google Chat webhook's token, a generic webhook's signing key.
	secrets map[string]string
	// gchatThreads names the thread of each (space, threadKey).
	gchatThreads map[string]string
	// slackTokens are the bot tokens handed out.
	slackTokens map[string]bool
	// slackMessages are the posted messages, by channel id and ts.
	slackMessages map[string]map[string]bool
	// responseURLs are the click response URLs handed out, by path; userGroups the members
	// of each Slack user group.
	responseURLs map[string]*responseURL
	userGroups   map[string][]string
	// n counts ids handed out (message and thread names).
	n int
}

var (
	extrasMu  sync.Mutex
	extrasFor = map[weak.Pointer[Server]]*extras{}
)

func (s *Server) extras() *extras {
	extrasMu.Lock()
	defer extrasMu.Unlock()
	k := weak.Make(s)
	if x, ok := extrasFor[k]; ok {
		return x
	}
	x := &extras{
		secrets:       map[string]string{},
		gchatThreads:  map[string]string{},
		slackTokens:   map[string]bool{},
		slackMessages: map[string]map[string]bool{},
		responseURLs:  map[string]*responseURL{},
		userGroups:    map[string][]string{},
	}
	extrasFor[k] = x
	runtime.AddCleanup(s, func(k weak.Pointer[Server]) {
		extrasMu.Lock()
		delete(extrasFor, k)
		extrasMu.Unlock()
	}, k)
	return x
}

// handOut marks a path as handed out, so that it is active under Options.Strict.
func (s *Server) handOut(path string) {
	s.mu.Lock()
	s.known[path] = true
	s.mu.Unlock()
}

// handOutWith marks a path as handed out (handOut) with the secret its URL carries.
func (s *Server) handOutWith(path, secret string) {
	x := s.extras()
	x.mu.Lock()
	x.secrets[path] = secret
	x.mu.Unlock()
	s.handOut(path)
}

// secretOf is the secret the URL handed out for key carries; known is false when none was.
func (s *Server) secretOf(key string) (secret string, known bool) {
	x := s.extras()
	x.mu.Lock()
	defer x.mu.Unlock()
	secret, known = x.secrets[key]
	return secret, known
}

// fakeID turns a name into a stable number for ids that must look numeric (Discord's
// snowflakes).
func fakeID(name string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	return h.Sum64() >> 8
}

// Package param reads the notifier's SSM parameters: the config document and the secrets it
// names (webhook URLs, bot tokens). Each is fetched once per container and cached, because the
// function reads them at cold start and must not pay for SSM on every invocation. Errors name
// the parameter, never its value.
package param

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/foghornhq/foghorn/lambda/config"
)

// GetParameterAPI is the one SSM call the store makes; *ssm.Client satisfies it.
type GetParameterAPI interface {
	GetParameter(ctx context.Context, in *ssm.GetParameterInput, opts ...func(*ssm.Options)) (*ssm.GetParameterOutput, error)
}

// ErrNotAName is Get's answer to a name that is no SSM parameter name. It does not repeat the
// name, which may be a secret.
var ErrNotAName = errors.New("a parameter name that is not an SSM parameter name was asked for (it is not shown: it may be a secret put where its parameter's name belongs)")

// Store fetches parameters with decryption and caches them for the life of the container.
type Store struct {
	api   GetParameterAPI
	mu    sync.Mutex
	cache map[string]string
}

// NewStore returns a store reading through api.
func NewStore(api GetParameterAPI) *Store {
	return &Store{api: api, cache: map[string]string{}}
}

// Get returns the parameter's value. The error says which parameter failed and why, in
// words that contain no part of any value.
func (s *Store) Get(ctx context.Context, name string) (string, error) {
	return s.get(ctx, name, true)
}

// Fresh returns the parameter's current value, read from SSM whatever the cache holds, and
// keeps it in the cache. The notifier reads a broken destination's secret this way, so that a
// fixed secret is used without waiting for a new container.
func (s *Store) Fresh(ctx context.Context, name string) (string, error) {
	return s.get(ctx, name, false)
}

func (s *Store) get(ctx context.Context, name string, cached bool) (string, error) {
	if !config.ParameterName(name) {
		// Most likely a webhook URL or a token pasted where its parameter's name belongs: it
		// is neither sent to SSM nor repeated.
		return "", ErrNotAName
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if v, ok := s.cache[name]; ok && cached {
		return v, nil
	}
	out, err := s.api.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(name), WithDecryption: aws.Bool(true)})
	if err != nil {
		var nf *types.ParameterNotFound
		if errors.As(err, &nf) {
			return "", fmt.Errorf("SSM parameter %q does not exist (check the function's FOGHORN_CONFIG_PARAM and the destinations' secretParam)", name)
		}
		return "", fmt.Errorf("read SSM parameter %q: %w", name, err)
	}
	if out.Parameter == nil || out.Parameter.Value == nil || *out.Parameter.Value == "" {
		return "", fmt.Errorf("SSM parameter %q is empty", name)
	}
	v := *out.Parameter.Value
	s.cache[name] = v
	return v, nil
}

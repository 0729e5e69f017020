package config

import "errors"

// Error is one problem with a setting: the key at fault, named as whoever reads the setting
// names it (a document key, a stack config key, a component argument), and what is wrong or
// allowed. Every reader of settings reports with it, so that one rewrites another's keys
// without parsing text.
type Error struct {
	Key     string
	Message string
}

func (e *Error) Error() string { return e.Key + ": " + e.Message }

// join is errors.Join for a list of problems: nil when there are none.
func join(problems []*Error) error {
	errs := make([]error, len(problems))
	for i, p := range problems {
		errs[i] = p
	}
	return errors.Join(errs...)
}

// Problems lists the *Error values err holds, itself or joined.
func Problems(err error) []*Error {
	var out []*Error
	list := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		list = j.Unwrap()
	}
	for _, e := range list {
		var p *Error
		if errors.As(e, &p) {
			out = append(out, p)
		}
	}
	return out
}

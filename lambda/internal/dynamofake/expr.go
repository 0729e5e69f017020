package dynamofake

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// The condition expressions the fake evaluates: a tiny subset of DynamoDB's grammar, exactly
// what the state store sends and a little around it, so that a change in the client is
// refused here instead of being evaluated wrongly.
//
//	condition := conjunct { OR conjunct }
//	conjunct  := primary { AND primary }            (AND binds tighter, as in DynamoDB)
//	primary   := attribute_exists(path) | attribute_not_exists(path)
//	           | operand (= | < | <= | > | >=) operand
//	operand   := path | :value
//	path      := name | #placeholder                (top level only: no "." or "[")
//
// Not modelled, and refused with a ValidationException: parentheses, NOT, <>, BETWEEN, IN,
// and every other function. Placeholders must be defined, and every defined one used, as
// DynamoDB requires.

type condition interface {
	eval(item map[string]Value) bool
}

type anyOf []condition // OR
type allOf []condition // AND

func (c anyOf) eval(item map[string]Value) bool {
	for _, x := range c {
		if x.eval(item) {
			return true
		}
	}
	return false
}

func (c allOf) eval(item map[string]Value) bool {
	for _, x := range c {
		if !x.eval(item) {
			return false
		}
	}
	return true
}

type exists struct {
	attr string
	want bool // attribute_exists; false for attribute_not_exists
}

func (c exists) eval(item map[string]Value) bool {
	_, ok := item[c.attr]
	return ok == c.want
}

type operand struct {
	attr string // a path, or
	val  Value  // a value, when attr is ""
}

func (o operand) resolve(item map[string]Value) (Value, bool) {
	if o.attr == "" {
		return o.val, true
	}
	v, ok := item[o.attr]
	return v, ok
}

type comparison struct {
	op   string
	l, r operand
}

// eval follows DynamoDB: a missing attribute or values of different types make the
// comparison false.
func (c comparison) eval(item map[string]Value) bool {
	l, ok1 := c.l.resolve(item)
	r, ok2 := c.r.resolve(item)
	if !ok1 || !ok2 {
		return false
	}
	if c.op == "=" {
		return equal(l, r)
	}
	n, ok := compare(l, r)
	if !ok {
		return false
	}
	switch c.op {
	case "<":
		return n < 0
	case "<=":
		return n <= 0
	case ">":
		return n > 0
	case ">=":
		return n >= 0
	}
	return false
}

// reserved holds the few of DynamoDB's ~570 reserved words that this project's attribute
// names are likely to meet; a plain (unplaceholdered) name among them is refused as
// DynamoDB refuses it. The placeholders the state store uses never meet the list.
var reserved = map[string]bool{
	"DATA": true, "KEY": true, "TTL": true, "NAME": true, "STATUS": true, "STATE": true,
	"COUNT": true, "SIZE": true, "VALUE": true, "ITEM": true, "HASH": true, "TIME": true,
	"TIMESTAMP": true, "TYPE": true, "TABLE": true, "DATE": true, "USER": true,
	"AND": true, "OR": true, "NOT": true, "BETWEEN": true, "IN": true,
}

type parser struct {
	expr   string
	toks   []string
	pos    int
	names  map[string]string
	values map[string]Value
	usedN  map[string]bool
	usedV  map[string]bool
}

// parseCondition parses expr against the request's placeholders. Errors are DynamoDB's
// ValidationException messages, or say what the fake does not model.
func parseCondition(expr string, names map[string]string, values map[string]Value) (condition, error) {
	toks, err := tokenize(expr)
	if err != nil {
		return nil, err
	}
	if len(toks) == 0 {
		return nil, errors.New("Invalid ConditionExpression: The expression can not be empty;")
	}
	p := &parser{expr: expr, toks: toks, names: names, values: values, usedN: map[string]bool{}, usedV: map[string]bool{}}
	c, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.pos < len(p.toks) {
		return nil, p.syntax(p.toks[p.pos])
	}
	if err := unused("ExpressionAttributeNames", keys(names), p.usedN); err != nil {
		return nil, err
	}
	if err := unused("ExpressionAttributeValues", keys(values), p.usedV); err != nil {
		return nil, err
	}
	return c, nil
}

func keys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func unused(field string, defined []string, used map[string]bool) error {
	var left []string
	for _, k := range defined {
		if !used[k] {
			left = append(left, k)
		}
	}
	if len(left) > 0 {
		return fmt.Errorf("Value provided in %s unused in expressions: keys: {%s}", field, strings.Join(left, ", "))
	}
	return nil
}

func tokenize(s string) ([]string, error) {
	var toks []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(' || c == ')' || c == ',' || c == '=':
			toks = append(toks, s[i:i+1])
			i++
		case c == '<' || c == '>':
			j := i + 1
			if j < len(s) && (s[j] == '=' || (c == '<' && s[j] == '>')) {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		case c == '#' || c == ':' || isWord(c):
			j := i + 1
			for j < len(s) && isWord(s[j]) {
				j++
			}
			if (c == '#' || c == ':') && j == i+1 {
				return nil, fmt.Errorf("Invalid ConditionExpression: Syntax error; token: %q, near: %q", s[i:j], near(s, i))
			}
			toks = append(toks, s[i:j])
			i = j
		case c == '.' || c == '[':
			return nil, fmt.Errorf("Invalid ConditionExpression: the fake does not model nested document paths (%q)", near(s, i))
		default:
			return nil, fmt.Errorf("Invalid ConditionExpression: Syntax error; token: %q, near: %q", s[i:i+1], near(s, i))
		}
	}
	return toks, nil
}

func isWord(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func near(s string, i int) string {
	lo, hi := max(i-8, 0), min(i+8, len(s))
	return s[lo:hi]
}

func (p *parser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *parser) next() string {
	t := p.peek()
	p.pos++
	return t
}

func (p *parser) syntax(tok string) error {
	if tok == "" {
		return fmt.Errorf("Invalid ConditionExpression: Syntax error; token: <EOF>, near: %q", p.expr)
	}
	return fmt.Errorf("Invalid ConditionExpression: Syntax error; token: %q, near: %q", tok, p.expr)
}

func (p *parser) or() (condition, error) {
	var terms anyOf
	for {
		c, err := p.and()
		if err != nil {
			return nil, err
		}
		terms = append(terms, c)
		if !strings.EqualFold(p.peek(), "OR") {
			break
		}
		p.next()
	}
	if len(terms) == 1 {
		return terms[0], nil
	}
	return terms, nil
}

func (p *parser) and() (condition, error) {
	var terms allOf
	for {
		c, err := p.primary()
		if err != nil {
			return nil, err
		}
		terms = append(terms, c)
		if !strings.EqualFold(p.peek(), "AND") {
			break
		}
		p.next()
	}
	if len(terms) == 1 {
		return terms[0], nil
	}
	return terms, nil
}

func (p *parser) primary() (condition, error) {
	tok := p.next()
	switch {
	case tok == "":
		return nil, p.syntax(tok)
	case tok == "(":
		return nil, errors.New("Invalid ConditionExpression: the fake does not model parentheses")
	case tok == "attribute_exists" || tok == "attribute_not_exists":
		if p.next() != "(" {
			return nil, p.syntax(tok)
		}
		path, err := p.path(p.next())
		if err != nil {
			return nil, err
		}
		if p.next() != ")" {
			return nil, errors.New("Invalid ConditionExpression: the fake models functions of one path only")
		}
		return exists{attr: path, want: tok == "attribute_exists"}, nil
	case strings.EqualFold(tok, "NOT"):
		return nil, errors.New("Invalid ConditionExpression: the fake does not model NOT")
	case p.peek() == "(":
		return nil, fmt.Errorf("Invalid ConditionExpression: the fake does not model the function %s", tok)
	}
	l, err := p.operand(tok)
	if err != nil {
		return nil, err
	}
	op := p.next()
	switch op {
	case "=", "<", "<=", ">", ">=":
	case "<>":
		return nil, errors.New("Invalid ConditionExpression: the fake does not model <>")
	default:
		if strings.EqualFold(op, "BETWEEN") || strings.EqualFold(op, "IN") {
			return nil, fmt.Errorf("Invalid ConditionExpression: the fake does not model %s", strings.ToUpper(op))
		}
		return nil, p.syntax(op)
	}
	r, err := p.operand(p.next())
	if err != nil {
		return nil, err
	}
	if l.attr == "" && r.attr == "" {
		return nil, errors.New("Invalid ConditionExpression: The expression compares two constants; at least one operand must be a path")
	}
	return comparison{op: op, l: l, r: r}, nil
}

func (p *parser) operand(tok string) (operand, error) {
	if strings.HasPrefix(tok, ":") {
		v, ok := p.values[tok]
		if !ok {
			return operand{}, fmt.Errorf("Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: %s", tok)
		}
		p.usedV[tok] = true
		return operand{val: v}, nil
	}
	path, err := p.path(tok)
	return operand{attr: path}, err
}

func (p *parser) path(tok string) (string, error) {
	switch {
	case strings.HasPrefix(tok, "#"):
		name, ok := p.names[tok]
		if !ok {
			return "", fmt.Errorf("Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: %s", tok)
		}
		p.usedN[tok] = true
		return name, nil
	case tok != "" && isWord(tok[0]) && !(tok[0] >= '0' && tok[0] <= '9'):
		if reserved[strings.ToUpper(tok)] {
			return "", fmt.Errorf("Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: %s", tok)
		}
		return tok, nil
	}
	return "", p.syntax(tok)
}

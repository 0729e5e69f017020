package event

import "strings"

// ARN is a parsed Amazon Resource Name: arn:partition:service:region:account:resource.
type ARN struct {
	Partition string
	Service   string
	Region    string
	Account   string
	Resource  string // everything after the account, e.g. task/cluster/id or alarm:Name
}

// ParseARN splits an ARN. It fails on anything that does not start with "arn:" and have six
// colon-separated parts; it does not check the parts further (published samples mask accounts
// and regions with placeholders).
func ParseARN(s string) (ARN, bool) {
	// The classifier parses every ARN of every event: cut in place rather than allocate a
	// slice of parts.
	var parts [5]string
	rest := s
	for i := range parts {
		var ok bool
		if parts[i], rest, ok = strings.Cut(rest, ":"); !ok {
			return ARN{}, false
		}
	}
	if parts[0] != "arn" || parts[1] == "" || parts[2] == "" {
		return ARN{}, false
	}
	return ARN{Partition: parts[1], Service: parts[2], Region: parts[3], Account: parts[4], Resource: rest}, true
}

// ResourceType returns the resource type of an ARN whose resource is type/id or type:id
// ("task", "service", "alarm").
func (a ARN) ResourceType() string {
	if i := strings.IndexAny(a.Resource, "/:"); i >= 0 {
		return a.Resource[:i]
	}
	return a.Resource
}

// ResourcePath returns the parts of the resource after its type, split on "/" (or, for
// type:id resources such as CloudWatch alarms, the single id, which may itself contain
// slashes or colons).
func (a ARN) ResourcePath() []string { return a.AppendResourcePath(nil) }

// AppendResourcePath appends ResourcePath's parts to dst and returns it. The classifier reads
// the path of every ARN of every event: given a small array of its own (var buf [4]string;
// a.AppendResourcePath(buf[:0])), it reads them without a list on the heap.
func (a ARN) AppendResourcePath(dst []string) []string {
	i := strings.IndexAny(a.Resource, "/:")
	if i < 0 {
		return dst
	}
	rest := a.Resource[i+1:]
	if a.Resource[i] == ':' {
		return append(dst, rest)
	}
	for {
		part, after, found := strings.Cut(rest, "/")
		dst = append(dst, part)
		if !found {
			return dst
		}
		rest = after
	}
}

// ValidRegion reports whether s looks like a region code (us-east-1, us-gov-west-1,
// cn-northwest-1), so that placeholders such as "REGION" or "EXAMPLE" in published samples are
// not used to build links. It is ^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$ written out (a fuzz target
// holds it to the expression): every link an alert carries checks its region, and the
// expression's matcher was a tenth of rendering one.
func ValidRegion(s string) bool {
	// The number after the last '-': one or two digits.
	j := strings.LastIndexByte(s, '-')
	if j < 0 || len(s)-j-1 < 1 || len(s)-j-1 > 2 || !isDigit(s[j+1]) || !isDigit(s[len(s)-1]) {
		return false
	}
	// Two letters, then one or more '-' each followed by letters.
	if j < 4 || !isLower(s[0]) || !isLower(s[1]) || s[2] != '-' {
		return false
	}
	for i := 3; i < j; i++ {
		if c := s[i]; !isLower(c) && (c != '-' || s[i-1] == '-') {
			return false
		}
	}
	return s[j-1] != '-'
}

func isLower(c byte) bool { return 'a' <= c && c <= 'z' }
func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// PartitionOfRegion returns the partition a region belongs to: aws-cn for cn-*, aws-us-gov for
// us-gov-*, the isolated partitions for theirs, aws otherwise; "" for a string that is not a
// region code.
func PartitionOfRegion(region string) string {
	switch {
	case !ValidRegion(region):
		return ""
	case strings.HasPrefix(region, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(region, "us-isob-"):
		return "aws-iso-b"
	case strings.HasPrefix(region, "us-iso-"):
		return "aws-iso"
	case strings.HasPrefix(region, "eu-isoe-"):
		return "aws-iso-e"
	case strings.HasPrefix(region, "us-isof-"):
		return "aws-iso-f"
	}
	return "aws"
}

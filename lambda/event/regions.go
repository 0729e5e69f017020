package event

import "strings"

// regionPlaces maps the place word of a region's display name to its code. Classic alarm
// notifications name the region for people, and the wording changed over the years ("US East
// (N. Virginia)", "US (Virginia)", "US - N. Virginia", "EU (Ireland)", "EU - Ireland",
// "Europe (Ireland)"), while the place stayed the same. Entries are tried in order, so the
// longer or more specific words come first.
var regionPlaces = []struct{ place, code string }{
	{"govcloud us west", "us-gov-west-1"},
	{"govcloud us east", "us-gov-east-1"},
	{"govcloud", "us-gov-west-1"},
	{"n virginia", "us-east-1"},
	{"virginia", "us-east-1"},
	{"ohio", "us-east-2"},
	{"california", "us-west-1"},
	{"oregon", "us-west-2"},
	{"cape town", "af-south-1"},
	{"hong kong", "ap-east-1"},
	{"taipei", "ap-east-2"},
	{"hyderabad", "ap-south-2"},
	{"mumbai", "ap-south-1"},
	{"osaka", "ap-northeast-3"},
	{"seoul", "ap-northeast-2"},
	{"tokyo", "ap-northeast-1"},
	{"singapore", "ap-southeast-1"},
	{"sydney", "ap-southeast-2"},
	{"jakarta", "ap-southeast-3"},
	{"melbourne", "ap-southeast-4"},
	{"malaysia", "ap-southeast-5"},
	{"new zealand", "ap-southeast-6"},
	{"thailand", "ap-southeast-7"},
	{"calgary", "ca-west-1"},
	{"canada", "ca-central-1"},
	{"montreal", "ca-central-1"},
	{"beijing", "cn-north-1"},
	{"ningxia", "cn-northwest-1"},
	{"frankfurt", "eu-central-1"},
	{"zurich", "eu-central-2"},
	{"ireland", "eu-west-1"},
	{"london", "eu-west-2"},
	{"paris", "eu-west-3"},
	{"milan", "eu-south-1"},
	{"spain", "eu-south-2"},
	{"stockholm", "eu-north-1"},
	{"tel aviv", "il-central-1"},
	{"bahrain", "me-south-1"},
	{"uae", "me-central-1"},
	{"mexico", "mx-central-1"},
	{"sao paulo", "sa-east-1"},
	{"são paulo", "sa-east-1"},
}

// RegionCode turns a region as a classic alarm notification writes it into a region code. A
// value that already is a code is returned as it is; an unknown name returns "".
func RegionCode(name string) string {
	name = strings.TrimSpace(name)
	if ValidRegion(name) {
		return name
	}
	// Keep letters and digits, turn everything else into single spaces: "US East (N. Virginia)"
	// becomes "us east n virginia".
	var b strings.Builder
	space := true
	for _, r := range strings.ToLower(name) {
		if r == '-' || r == '(' || r == ')' || r == '.' || r == ',' || r == ' ' || r == '\t' {
			if !space {
				b.WriteByte(' ')
				space = true
			}
			continue
		}
		b.WriteRune(r)
		space = false
	}
	norm := " " + strings.TrimSpace(b.String()) + " "
	for _, p := range regionPlaces {
		if strings.Contains(norm, " "+p.place+" ") {
			return p.code
		}
	}
	return ""
}

package claims

// Report is the page report of DESIGN.md (`vigie analyze --format json`).
type Report struct {
	URL         string    `json:"url"`
	Lang        string    `json:"lang"`
	Title       string    `json:"title"`
	Promotional bool      `json:"promotional"`
	Score       float64   `json:"score"`
	Therapies   []Therapy `json:"therapies"`
	Claims      []Claim   `json:"claims"`
	Audience    Audience  `json:"audience"`
	// Voice is how the page speaks: "provider" (for whoever sells the
	// therapy), "reporting" (news, regulator, warning), "scientific", or
	// "neutral".
	Voice    string    `json:"voice"`
	Features []Feature `json:"features"` // what the verdict rests on
	Text     string    `json:"text,omitempty"`
}

// Therapy is a therapy or medicine the page names.
type Therapy struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Class      string `json:"class"`
	Authorised bool   `json:"authorised"`
	Product    bool   `json:"product,omitempty"` // a named medicine rather than a kind of therapy
}

// Claim is one claim found in the text.
type Claim struct {
	Category string `json:"category"`
	Stance   string `json:"stance"` // promotional, reported or negated
	Quote    string `json:"quote"`  // the sentence, verbatim: Text[Start:End]
	Rule     string `json:"rule"`
	Start    int    `json:"start"`
	End      int    `json:"end"`
	Match    string `json:"match"`             // the words the rule matched, verbatim
	R5122    string `json:"r5122_4,omitempty"` // item of CSP R.5122-4 the category falls under
}

// Audience says whether the page addresses the French public, and why.
type Audience struct {
	FrenchPublic bool     `json:"french_public"`
	Signals      []string `json:"signals"`
}

// Feature is one input of the page verdict, with its weight in the score.
type Feature struct {
	Name   string  `json:"name"`
	Value  float64 `json:"value"`
	Weight float64 `json:"weight"`
}

// Stances.
const (
	Promotional = "promotional"
	Reported    = "reported"
	Negated     = "negated"
)

// Voices.
const (
	VoiceProvider   = "provider"
	VoiceReporting  = "reporting"
	VoiceScientific = "scientific"
	VoiceNeutral    = "neutral"
)

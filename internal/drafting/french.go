package drafting

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"vigie/internal/cases"
	"vigie/internal/qualify"
)

// frenchDay writes a procedure date (YYYY-MM-DD) in French.
func frenchDay(s string) (string, error) {
	t, err := cases.ParseDate(s)
	if err != nil {
		return "", err
	}
	return qualify.FrenchDate(t), nil
}

// joinFR joins items as French does: "a", "a et b", "a, b et c".
func joinFR(items []string) string {
	var b strings.Builder
	for i, s := range items {
		b.WriteString(sep(i, len(items)))
		b.WriteString(s)
	}
	return b.String()
}

// sep is what comes before item i of n in a French list.
func sep(i, n int) string {
	switch {
	case i == 0:
		return ""
	case i == n-1:
		return " et "
	}
	return ", "
}

// countries names in French the countries of the companies the agency
// writes to; an unknown code is written as it is.
var countries = map[string]string{
	"AD": "Andorre", "AE": "Émirats arabes unis", "AT": "Autriche", "AU": "Australie", "BE": "Belgique",
	"BG": "Bulgarie", "BR": "Brésil", "CA": "Canada", "CH": "Suisse", "CN": "Chine", "CY": "Chypre",
	"CZ": "Tchéquie", "DE": "Allemagne", "DK": "Danemark", "EE": "Estonie", "ES": "Espagne",
	"FI": "Finlande", "FR": "France", "GB": "Royaume-Uni", "GR": "Grèce", "HR": "Croatie",
	"HU": "Hongrie", "IE": "Irlande", "IL": "Israël", "IN": "Inde", "IS": "Islande", "IT": "Italie",
	"JP": "Japon", "KR": "Corée du Sud", "LI": "Liechtenstein", "LT": "Lituanie", "LU": "Luxembourg",
	"LV": "Lettonie", "MA": "Maroc", "MC": "Monaco", "MT": "Malte", "MX": "Mexique", "NL": "Pays-Bas",
	"NO": "Norvège", "PA": "Panama", "PL": "Pologne", "PT": "Portugal", "RO": "Roumanie", "RU": "Russie",
	"SE": "Suède", "SG": "Singapour", "SI": "Slovénie", "SK": "Slovaquie", "TH": "Thaïlande",
	"TN": "Tunisie", "TR": "Turquie", "UA": "Ukraine", "US": "États-Unis",
}

func countryFR(code string) string {
	if n, ok := countries[code]; ok {
		return n
	}
	return code
}

func classFR(class string) string {
	if n, ok := qualify.ClassNameFR(class); ok {
		return n
	}
	return "médicament de thérapie innovante"
}

// signals says in French what each audience signal of claims shows.
var signals = map[string]string{
	"html-lang-fr":  "des pages déclarées en langue française",
	"text-lang-fr":  "des textes rédigés en français",
	"hreflang-fr":   "une version française annoncée par les pages elles-mêmes",
	"path-fr":       "des adresses de pages propres à une version française",
	"param-lang-fr": "un choix de la langue française dans les adresses des pages",
	"tld-fr":        "un nom de domaine en .fr",
	"phone-fr":      "un numéro de téléphone français",
	"price-eur":     "des prix exprimés en euros",
	"city-fr":       "la mention de villes françaises",
	"patients-fr":   "la mention de patients français",
}

func signalFR(s string) string {
	if n, ok := signals[s]; ok {
		return n
	}
	return s
}

// article is an article of the code de la santé publique, "L.5122-3".
type article struct {
	part byte  // L, R or D
	nums []int // 5122, 3
	text string
}

// cspArticle reads "CSP L.5122-3" or "CSP R.5122-4 12°" as the article it
// cites (the item aside); ok is false for another text's article.
func cspArticle(s string) (article, bool) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(s), "CSP ")
	if !ok {
		return article{}, false
	}
	return parseArticle(rest)
}

func parseArticle(s string) (article, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ". ", ".")
	if f := strings.Fields(s); len(f) > 0 {
		s = f[0]
	}
	if len(s) < 3 || !strings.ContainsRune("LRD", rune(s[0])) || s[1] != '.' {
		return article{}, false
	}
	a := article{part: s[0], text: s}
	for _, p := range strings.Split(s[2:], "-") {
		n, err := strconv.Atoi(p)
		if err != nil {
			return article{}, false
		}
		a.nums = append(a.nums, n)
	}
	return a, true
}

// compareArticles orders articles as the code does: the legislative part
// (L) first, then the regulatory part (R, D) by number.
func compareArticles(a, b article) int {
	rank := func(p byte) int {
		if p == 'L' {
			return 0
		}
		return 1
	}
	if c := rank(a.part) - rank(b.part); c != 0 {
		return c
	}
	if c := slices.Compare(a.nums, b.nums); c != 0 {
		return c
	}
	return int(a.part) - int(b.part)
}

// articleList sorts and deduplicates articles and joins them in French.
func articleList(as []article) string {
	slices.SortFunc(as, compareArticles)
	as = slices.CompactFunc(as, func(a, b article) bool { return a.text == b.text })
	texts := make([]string, len(as))
	for i, a := range as {
		texts[i] = a.text
	}
	return joinFR(texts)
}

// que writes "que s", or "qu's" when s begins with a vowel: "qu'elle a
// retiré…". A Markdown escape before the first letter is looked through.
func que(s string) string {
	r, _ := utf8.DecodeRuneInString(strings.TrimLeft(s, "\\"))
	if strings.ContainsRune("aeiouyàâäéèêëîïôöùûüAEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜ", r) {
		return "qu'" + s
	}
	return "que " + s
}

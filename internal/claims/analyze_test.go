package claims

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"vigie/internal/extract"
	"vigie/internal/registry"
)

func analyzer(t testing.TB) *Analyzer {
	t.Helper()
	rules, err := DefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	reg, err := registry.Default()
	if err != nil {
		t.Fatal(err)
	}
	return &Analyzer{Rules: rules, Registry: reg}
}

var captureDate = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

func analyzeString(t *testing.T, a *Analyzer, html string) *Report {
	t.Helper()
	doc, err := extract.Parse([]byte(html), "text/html", "", "https://site.example/page", extract.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return a.Analyze(doc, captureDate)
}

// stanceOf returns the stance of the first claim of category cat.
func stanceOf(r *Report, cat string) string {
	for _, c := range r.Claims {
		if c.Category == cat {
			return c.Stance
		}
	}
	return "none"
}

func TestStance(t *testing.T) {
	a := analyzer(t)
	tests := []struct {
		name, html, category, want string
	}{
		{"provider asserts", `<p>Notre clinique propose un traitement sans effets secondaires. Nous organisons votre séjour.</p>`, "safety", Promotional},
		{"ne ... aucun is still a claim", `<p>Notre vaccin n'a aucun effet secondaire.</p>`, "safety", Promotional},
		{"pas sans risque", `<p>Ce traitement n'est pas sans risque.</p>`, "safety", Negated},
		{"sans … ni carries the claim on", `<p>Notre soin se fait sans prélèvement ni cicatrice. Nous organisons votre séjour.</p>`, "safety", Promotional},
		{"a list of pas de … is asserted", `<p>Nos perfusions sont légères : pas de nausées, pas de chute de cheveux, pas d'hospitalisation. Nous organisons votre séjour.</p>`, "safety", Promotional},
		{"n'y a ni … ni is a claim", `<p>Notre clinique propose ce soin. Il n'y a ni produit chimique, ni risque de rejet.</p>`, "safety", Promotional},
		{"ni … ni denies", `<p>Ce produit n'est ni sûr ni sans danger.</p>`, "safety", Negated},
		{"peu ou pas is one claim", `<p>Notre traitement entraîne peu ou pas d'effets secondaires. Nous organisons votre séjour.</p>`, "safety", Promotional},
		{"no evidence", `<p>Aucune preuve ne montre que cette thérapie guérit le cancer.</p>`, "efficacy", Negated},
		{"negation inside the match", `<p>Les essais n'ont pas montré de bénéfice sur la survie.</p>`, "endorsement", Negated},
		{"the claim's own ne … plus", `<p>Nous proposons le vaccin : vous n'aurez plus besoin de chimiothérapie.</p>`, "alternative", Promotional},
		{"the claim's own nicht mehr", `<p>Wir bieten die Therapie an. Die Operation brauchen Sie nicht mehr.</p>`, "alternative", Promotional},
		{"ne fait pas mal, denied", `<p>Ce n'est pas une injection qui ne fait pas mal.</p>`, "safety", Negated},
		{"english not", `<p>This therapy is not risk-free.</p>`, "safety", Negated},
		{"attributed on a neutral page", `<p>Selon la clinique, le traitement est sans effets secondaires.</p>`, "safety", Reported},
		{"quoted on a neutral page", `<p>Le site parle d'un vaccin « sans effets secondaires ».</p>`, "safety", Reported},
		{"news voice", `<article><p>Enquête : des cliniques à l'étranger vendent un traitement « sans effets secondaires ». L'ANSM met en garde contre ces offres non autorisées. Ces pratiques sont dangereuses.</p></article>`, "safety", Reported},
		{"a reporter's own first person", `<article><p>Enquête. Nous avons appelé la clinique en nous présentant comme la sœur d'une malade. Nous avons contacté trois centres. La coordinatrice assure : « Nos patients retrouvent la marche, notre traitement est sans effets secondaires. » Nous nous sommes procuré sa brochure.</p></article>`, "safety", Reported},
		{"scientific reporting", `<p>Methods: 20 patients were enrolled in a phase I trial. No grade 3 adverse events were observed, and side effects were minimal. Further trials are needed.</p>`, "safety", Reported},
		{"unordered claim made of its negative word", `<p>Unsere Praxis bietet die Behandlung an. Ernsthafte Nebenwirkungen sind praktisch ausgeschlossen.</p>`, "safety", Promotional},
		{"a negator between an unordered claim's words", `<p>Unsere Praxis bietet die Behandlung an. Nebenwirkungen sind nicht ausgeschlossen.</p>`, "safety", Negated},
		{"never between an unordered claim's words", `<p>We offer the treatment in our clinic. Side effects can never be excluded.</p>`, "safety", Negated},
		{"ne … jamais between an unordered claim's words", `<p>Notre clinique propose ce soin. Les complications ne sont jamais exclues.</p>`, "safety", Negated},
		{"French tout is not English touts", `<p>Le traitement est sans effets secondaires, tout simplement.</p>`, "safety", Promotional},
		{"English promising is not promised", `<p>This promising treatment has no side effects.</p>`, "safety", Promotional},
		{"an English contraction denies", `<p>That stem cells regenerate cartilage hasn't been convincingly demonstrated.</p>`, "efficacy", Negated},
		{"a seller's legal notice denies", `<p>Order our exosome serum today. This product is not intended to diagnose, treat, cure or prevent any disease.</p>`, "universality", Negated},
		{"an agency is no age", `<p>Our clinic offers the injections. The product has not been approved by any other regulatory agency.</p>`, "universality", "none"},
		{"une agence n'est pas un âge", `<p>Notre clinique propose ce soin. Toutes nos agences partenaires vous accueillent.</p>`, "universality", "none"},
		{"a ministry's licence backs", `<p>Unsere Klinik bietet Stammzellen an. Die Klinik ist vom Gesundheitsministerium zugelassen.</p>`, "endorsement", Promotional},
		{"an authority's permit backs", `<p>Notre clinique propose ce soin. Le laboratoire est autorisé par le ministère de la Santé.</p>`, "endorsement", Promotional},
		{"a government licence backs", `<p>We offer stem cell injections. Our lab is licensed by the national health authority.</p>`, "endorsement", Promotional},
		{"according to the authorities is no backing", `<p>Notre clinique propose ce soin. Le dispositif est reconduit cet hiver, selon les autorités sanitaires.</p>`, "endorsement", "none"},
		{"a standard care given is no alternative", `<p>We offer the treatment. A short course of oral steroids is given around the time of surgery.</p>`, "alternative", "none"},
		{"studies cited for a claim deny nothing", `<p>Unsere Klinik bietet Stammzellinjektionen an. Studien belegen: keine Nebenwirkungen, und die Stammzellen regenerieren den Knorpel.</p>`, "efficacy", Promotional},
		{"kein before a claim denies it", `<p>Unsere Praxis bietet die Behandlung an. Die Injektion ist kein harmloser Eingriff.</p>`, "safety", Negated},
		{"keine … sondern asserts what follows", `<p>Unsere Praxis bietet die Behandlung an. Sie sind keine Chemie, sondern körpereigene Botenstoffe.</p>`, "natural", Promotional},
		{"dit que attributes", `<p>La page de réservation dit que le traitement est sans effets secondaires.</p>`, "safety", Reported},
		{"a classified ad's number is no announcement", `<p>Séjour cellules souches à Chypre : 2 950 € · Montpellier · Annonce n° 2298417</p>`, "offer", Promotional},
		{"testimonial relayed by provider", `<p>Nos patients témoignent. « Ma tumeur a disparu », raconte Sophie. Réservez votre consultation avec notre équipe.</p>`, "testimonial", Promotional},
		{"an influencer's own first session", `<p>Le mois dernier j'ai fait ma première perfusion de plasma chez Longevia. Code JADE10 : -10 % sur votre séjour.</p>`, "testimonial", Promotional},
		{"my first infusion", `<p>Six weeks ago I did my first exosome IV at the lounge. Use my code for $500 off.</p>`, "testimonial", Promotional},
		{"meine erste Behandlung", `<p>Nach meiner ersten Behandlung schlief ich wieder durch. Termine in unserer Praxis online buchen.</p>`, "testimonial", Promotional},
		{"a family's quoted words", `<p>Nous accompagnons les familles. « Papa a été traité en avril, aujourd'hui il lit le journal. » Demandez votre dossier gratuit.</p>`, "testimonial", Promotional},
		{"nature's messengers", `<p>Book your infusion today. Exosomes are nature's repair messengers.</p>`, "natural", Promotional},
		{"nothing synthetic", `<p>Book your infusion today. It's a gentle drip and there is nothing synthetic in it.</p>`, "natural", Promotional},
		{"not even a headache", `<p>Book your infusion today. I didn't even have a headache afterwards.</p>`, "safety", Promotional},
		{"virtual consults", `<p>Book your infusion today. We also do virtual consults for patients abroad.</p>`, "travel", Promotional},
		{"planning the trip", `<p>Book your infusion today. Our coordinators help you plan the trip.</p>`, "travel", Promotional},
		{"a prize won", `<p>Book your infusion today. Our medical director is the winner of the 2022 Regional Innovation Prize.</p>`, "endorsement", Promotional},
		{"clinic of the year", `<p>Book your infusion today. We were named Regenerative Clinic of the Year in 2023.</p>`, "endorsement", Promotional},
		{"trusted by experts", `<p>Order your serum today. Trusted by dermatologists in twelve countries.</p>`, "endorsement", Promotional},
		{"a count of publications", `<p>Réservez votre bilan. Notre protocole s'appuie sur plus de 2 000 publications scientifiques.</p>`, "endorsement", Promotional},
		{"results shown at congresses", `<p>Vereinbaren Sie einen Termin. Unsere Ergebnisse wurden auf internationalen Fachkongressen vorgestellt.</p>`, "endorsement", Promotional},
		{"an honorary member", `<p>Vereinbaren Sie einen Termin. Unsere Ärztin ist Ehrenmitglied einer Gesellschaft für Zelltherapie.</p>`, "endorsement", Promotional},
		{"a share of patients improved", `<p>Book your consultation. 82% of MS patients report improvement at 6 months.</p>`, "efficacy", Promotional},
		{"Verbesserung bei 82 %", `<p>Vereinbaren Sie einen Termin. Wir sehen eine Verbesserung bei 82 % der Patienten.</p>`, "efficacy", Promotional},
		{"one of the most effective tools", `<p>Book your consultation. This is one of the most effective longevity tools available today.</p>`, "efficacy", Promotional},
		{"side effects played down", `<p>Book your consultation. Side effects: a sore arm for two days.</p>`, "safety", Promotional},
		{"a mild fever at most", `<p>Book your consultation. A mild fever at most, nothing more than mild fatigue.</p>`, "safety", Promotional},
		{"lediglich eine leichte Müdigkeit", `<p>Vereinbaren Sie einen Termin. Die meisten Gäste verspüren lediglich eine leichte Müdigkeit.</p>`, "safety", Promotional},
		{"Nebenwirkungen kaum aufgetreten", `<p>Vereinbaren Sie einen Termin. Nebenwirkungen seien bei den mehr als 3.000 Behandlungen kaum aufgetreten.</p>`, "safety", Promotional},
		{"a course of three sessions is no ratio", `<p>Vereinbaren Sie einen Termin. Wir empfehlen eine Kur von drei Sitzungen im Abstand von vier Wochen.</p>`, "success_rate", "none"},
		{"drei von vier Patienten", `<p>Vereinbaren Sie einen Termin. Drei von vier Patienten gehen wieder schmerzfrei.</p>`, "success_rate", Promotional},
		{"a discount is no success rate", `<p>Réservez votre cure. Avec mon code, vous avez 10 % de réduction sur la cure, et la clinique vous envoie le programme de la semaine dans votre boîte mail.</p>`, "success_rate", "none"},
		{"a replacement off the table", `<p>Book your consultation. Her knee replacement is officially off the table.</p>`, "alternative", Promotional},
		{"a facelift cancelled", `<p>Book your consultation. My mum cancelled the facelift consultation she had booked.</p>`, "alternative", Promotional},
		{"relying less on inhalers", `<p>Book your consultation. Many guests rely far less on the inhalers and steroid courses.</p>`, "alternative", Promotional},
		{"la greffe n'est plus à l'ordre du jour", `<p>Réservez votre bilan. Six mois après, la greffe n'est plus à l'ordre du jour.</p>`, "alternative", Promotional},
		{"tourner la page de la cortisone", `<p>Réservez votre bilan. Tourner la page de la cortisone et laisser la chirurgie de côté.</p>`, "alternative", Promotional},
		{"mieux que le botox", `<p>Réservez votre séance. C'est bien mieux que le botox et les injections.</p>`, "alternative", Promotional},
		{"die Prothese kann warten", `<p>Vereinbaren Sie einen Termin. Mit unserer Zelltherapie kann die Prothese in vielen Fällen warten.</p>`, "alternative", Promotional},
		{"whether you are 35 or 75", `<p>Book your stay. It is designed for everyone, whether you are 35 and proactive or 75 and tired.</p>`, "universality", Promotional},
		{"no tumour type off the list", `<p>Book your consultation. No tumour type is off the list, from first diagnosis to widespread metastases.</p>`, "universality", Promotional},
		{"que vous ayez 35 ou 90 ans", `<p>Réservez votre place. Que vous ayez 35 ou 90 ans, il y a presque toujours quelque chose à gagner.</p>`, "universality", Promotional},
		{"le type de cancer n'a pas d'importance", `<p>Réservez votre bilan. Le vaccin est fait sur mesure, donc le type de cancer n'a pas vraiment d'importance.</p>`, "universality", Promotional},
		{"das Alter spielt keine Rolle", `<p>Buchen Sie Ihre Kur. Das Alter spielt dabei keine Rolle, ob 25 oder 75.</p>`, "universality", Promotional},
		{"votre propre plasma", `<p>Réservez votre séance. Associés à votre propre plasma, ils effacent les ridules.</p>`, "natural", Promotional},
		{"ein natürliches Prinzip", `<p>Buchen Sie Ihre Kur. Ein natürliches Prinzip: junge Zellen unterstützen die Organe.</p>`, "natural", Promotional},
		{"schonend und ambulant", `<p>Vereinbaren Sie einen Termin.</p><h3>Schonend und ambulant – nach zwei Tagen wieder auf den Beinen</h3>`, "safety", Promotional},
		{"a little redness and that is all", `<p>Réservez votre séance. Un peu de rougeur au point d'injection et c'est tout.</p>`, "safety", Promotional},
		{"isolated and expanded in a clean-room lab", `<p>Vereinbaren Sie einen Termin. In unserem Reinraumlabor werden sie isoliert, vermehrt und geprüft.</p>`, "manipulation", Promotional},
		{"Frischzellen from unborn lambs", `<p>Vereinbaren Sie einen Termin. Frischzellen werden aus den Organen ungeborener Schaflämmer gewonnen.</p>`, "manipulation", Promotional},
		{"a vaccine made from the patient's own tumour", `<p>Book your consultation. It is a cancer vaccine made from the patient's own tumor.</p>`, "manipulation", Promotional},
		{"viruses as natural allies", `<p>Vereinbaren Sie einen Termin.</p><h1>Viren als natürliche Verbündete gegen Krebs</h1>`, "natural", Promotional},
		{"a first talk by video", `<p>Vereinbaren Sie einen Termin. Familien von außerhalb bieten wir ein Vorgespräch per Video an.</p>`, "travel", Promotional},
		{"families who come to Geneva", `<p>Réservez votre cure. Chaque mois, des familles viennent nous voir à Genève pour une cure.</p>`, "travel", Promotional},
		{"approvals from regulators", `<p>Book your consultation. CAR-T therapy earned approvals from regulators in the US and Europe.</p>`, "endorsement", Promotional},
		{"more than 30 registered CAR-T trials", `<p>Book your consultation. Partner hospitals with more than 30 registered CAR-T trials.</p>`, "endorsement", Promotional},
		{"stoppt den Haarausfall", `<p>Vereinbaren Sie einen Termin. Eine Kur stoppt bei vielen Kunden den Haarausfall und sorgt für sichtbar dichteres Haar.</p>`, "efficacy", Promotional},
		{"eine deutliche Schmerzlinderung", `<p>Vereinbaren Sie einen Termin. Wir sehen bei vielen Patienten eine deutliche Schmerzlinderung.</p>`, "efficacy", Promotional},
		{"used to treat more than 80 diseases", `<p>Enroll today. Cord blood stem cells are used to treat more than 80 diseases.</p>`, "efficacy", Promotional},
		{"giving her life back", `<p>Book your consultation. She credits the protocol with giving her life back.</p>`, "efficacy", Promotional},
		{"résultats visibles dès la 2e séance", `<p>Contactez-moi. Résultats visibles dès la 2e séance.</p>`, "efficacy", Promotional},
		{"une baisse de l'HbA1c", `<p>Réservez votre bilan. Nos patients voient une baisse de l'HbA1c de 1,4 point.</p>`, "efficacy", Promotional},
		{"the body's natural peacekeepers", `<p>Book your consultation. Exosomes act as the body's natural peacekeepers.</p>`, "natural", Promotional},
		{"the body repairs itself", `<p>Book your consultation. We give the body the signals it needs to repair itself.</p>`, "natural", Promotional},
		{"most patients feel nothing", `<p>Book your consultation. It's an IV drip: most patients feel nothing at all.</p>`, "safety", Promotional},
		{"virtually any chronic disease", `<p>Book your consultation. It can help in virtually any chronic or degenerative disease.</p>`, "universality", Promotional},
		{"almost any target is no universality", `<p>Book your consultation. A T cell can be engineered to recognise almost any target on a cancer cell.</p>`, "universality", "none"},
		{"statt Filler und Botox", `<p>Buchen Sie Ihre Sitzung. Statt Filler und Botox einfach mit dem, was dein Körper sowieso hat.</p>`, "alternative", Promotional},
		{"without steroids", `<p>Book your consultation. PRP kick-starts tendon repair without steroids.</p>`, "alternative", Promotional},
		{"réduire les séances de chimio", `<p>Réservez votre cure. Beaucoup de nos patients choisissent de réduire leurs séances de chimio.</p>`, "alternative", Promotional},
		{"pas envie de passer au Botox", `<p>Réservez votre séance. Je n'ai pas envie de passer au Botox.</p>`, "alternative", Promotional},
		{"a stay in Cyprus", `<p>Réservez votre place. Le déroulement d'un séjour de 6 jours à Chypre.</p>`, "travel", Promotional},
		{"a family's words in quotation marks", `<p>Réservez votre bilan. Une famille nous a écrit : « Notre fils a regagné de la force dans les bras. »</p>`, "testimonial", Promotional},
		{"our daughter, quoted", `<p>Book your consultation. "Our daughter sleeps through the night now," writes a mother from Leeds.</p>`, "testimonial", Promotional},
		{"unser Sohn, zitiert", `<p>Vereinbaren Sie einen Termin. „Unser Sohn spricht wieder ganze Sätze", schreibt eine Familie aus Graz.</p>`, "testimonial", Promotional},
		{"evidence denied within the claim's words", `<p>Vereinbaren Sie einen Termin. Die Wirksamkeit ist wissenschaftlich nicht abschließend belegt.</p>`, "endorsement", Negated},
		{"the claim's own nicht", `<p>Vereinbaren Sie einen Termin. Eine Ausfallzeit gibt es nicht: am Nachmittag wandern Sie schon wieder.</p>`, "safety", Promotional},
		{"statt lebenslanger Tropfen", `<p>Vereinbaren Sie einen Termin. Eine natürliche Regeneration statt lebenslanger Tropfen allein.</p>`, "alternative", Promotional},
		{"ohne Ibuprofen", `<p>Vereinbaren Sie einen Termin.</p><blockquote>„Endlich ohne Ibuprofen durch den Tag.“ – Frau S.</blockquote>`, "alternative", Promotional},
		{"ein Implantat überflüssig", `<p>Vereinbaren Sie einen Termin. Der neue Knochen macht in manchen Fällen ein Implantat ganz überflüssig.</p>`, "alternative", Promotional},
		{"reduce their medications", `<p>Book your consultation. Many patients are able to reduce their medications after treatment.</p>`, "alternative", Promotional},
		{"contrairement au Zolgensma", `<p>Réservez votre bilan. Contrairement au Zolgensma, il n'y a pas de limite d'âge.</p>`, "alternative", Promotional},
		{"arrêté mes larmes artificielles", `<p>Commandez le sérum. J'ai complètement arrêté mes larmes artificielles.</p>`, "alternative", Promotional},
		{"total natürlich", `<p>Mit meinem Code spart ihr 100 €. Sie regen die Zellerneuerung an, total natürlich.</p>`, "natural", Promotional},
		{"tut überhaupt nicht weh", `<p>Mit meinem Code spart ihr 100 €. Tut überhaupt nicht weh, eher ein Kribbeln.</p>`, "safety", Promotional},
		{"mein Ergebnis nach 3 Sitzungen", `<p>Mit meinem Code spart ihr 100 €.</p><h2>Mein Ergebnis nach 3 Sitzungen</h2>`, "testimonial", Promotional},
		{"neue Babyhaare", `<p>Mit meinem Code spart ihr 100 €. Neue Babyhaare am Haaransatz!</p>`, "efficacy", Promotional},
		{"j'ai rien senti", `<p>Avec mon code vous avez 15 % de remise. Franchement, j'ai rien senti.</p>`, "safety", Promotional},
		{"c'est hyper doux", `<p>Avec mon code vous avez 15 % de remise. Oui, c'est hyper doux pour les peaux réactives.</p>`, "safety", Promotional},
		{"j'ai testé le soin", `<p>Avec mon code vous avez 15 % de remise. J'ai testé le soin signature de la maison.</p>`, "testimonial", Promotional},
		{"ne jurent que par ça", `<p>Avec mon code vous avez 15 % de remise. Les dermatos de Séoul ne jurent que par ça.</p>`, "endorsement", Promotional},
		{"my knee feels younger", `<p>Book your consultation. My knee feels 20 years younger.</p>`, "testimonial", Promotional},
		{"mehrere Studien zeigen", `<p>Vereinbaren Sie einen Termin. Mehrere Studien zeigen bei Kniearthrose eine Schmerzlinderung.</p>`, "endorsement", Promotional},
		{"treated more than 3,000 patients", `<p>Book your consultation. The lead doctor has treated more than 3,000 cancer patients.</p>`, "endorsement", Promotional},
		{"auteur de communications", `<p>Réservez votre bilan. Le Dr Martin est auteur de plusieurs communications dans des congrès.</p>`, "endorsement", Promotional},
		{"a disease control rate", `<p>Book your consultation.</p><ul><li>83% disease control rate</li></ul>`, "success_rate", Promotional},
		{"my HRV went up 18%", `<p>Book your consultation. My HRV went up 18% in three weeks.</p>`, "success_rate", Promotional},
		{"diminuer en moyenne de 12 ans", `<p>Réservez votre bilan. Leur âge biologique diminue en moyenne de 12 ans.</p>`, "success_rate", Promotional},
		{"a review of records is no testimonial", `<p>Book your consultation.</p><ol><li>Review: our medical board assesses your records within 5 working days.</li></ol>`, "testimonial", "none"},
		{"reviews from our patients", `<p>Book your consultation.</p><h2>Reviews from our patients</h2>`, "testimonial", Promotional},
		{"bei über 80 Erkrankungen eingesetzt", `<p>Jetzt Entnahme-Set bestellen. Nabelschnurblut-Stammzellen werden bereits bei über 80 Erkrankungen eingesetzt.</p>`, "efficacy", Promotional},
		{"eine deutliche Abnahme", `<p>Vereinbaren Sie einen Termin. Zwei Drittel berichten über eine deutliche Abnahme der Tinnitus-Lautstärke.</p>`, "efficacy", Promotional},
		{"ein Konzentrat aus regenerativen Zellen", `<p>Vereinbaren Sie einen Termin. Wir gewinnen in der Praxis ein Konzentrat aus regenerativen Zellen.</p>`, "manipulation", Promotional},
		{"presque plus mal", `<p>Réservez votre bilan.</p><blockquote>« Trois mois après, je n'avais presque plus mal. »</blockquote>`, "efficacy", Promotional},
		{"never seen a serious side effect", `<p>Book your stay. Anton has never seen a serious side effect in 20 years.</p>`, "safety", Promotional},
		{"far easier than the chemo", `<p>Book your consultation. It was far easier than the chemo I'd had before.</p>`, "safety", Promotional},
		{"a gentle, non-toxic combination", `<p>Check availability. A gentle, non-toxic combination for patients who want to strengthen their body.</p>`, "safety", Promotional},
		{"sanft, auch für empfindliche Haut", `<p>In den Warenkorb.</p><ul><li>Sanft, auch für empfindliche Haut</li></ul>`, "safety", Promotional},
		{"the vaccine teaches your immune cells", `<p>Check availability. The vaccine then teaches your immune cells to attack them.</p>`, "efficacy", Promotional},
		{"lab preparation", `<p>Check availability.</p><ul><li>Blood collection, lab preparation, 2 injections on site</li></ul>`, "manipulation", Promotional},
		{"NK-Zell-Kultur", `<p>Vereinbaren Sie einen Termin.</p><ul><li>In Zusammenarbeit mit einem Partnerlabor: autologe NK-Zell-Kultur</li></ul>`, "manipulation", Promotional},
		{"many patients from France", `<p>Book your consultation. Each year we welcome many patients from France.</p>`, "travel", Promotional},
		{"hours from Paris by train", `<p>Book your consultation. Barcelona is just 6½ hours from Paris by high-speed train.</p>`, "travel", Promotional},
		{"acheminé en Belgique", `<p>Commandez votre kit. Un coursier récupère l'échantillon à la maternité pour l'acheminer en Belgique.</p>`, "travel", Promotional},
		{"pas d'anti-inflammatoires", `<p>Réservez votre téléconsultation. Pas d'opé, pas d'anti-inflammatoires.</p>`, "alternative", Promotional},
		{"j'ai choisi une autre voie", `<p>Réservez votre téléconsultation. Moi, j'ai choisi une autre voie : la SVF.</p>`, "alternative", Promotional},
		{"ce sont tes cellules", `<p>Réservez votre téléconsultation. Ce sont TES cellules, donc rien d'artificiel.</p>`, "natural", Promotional},
		{"mon genou a rajeuni", `<p>Réservez votre téléconsultation. Mon genou a littéralement rajeuni.</p>`, "testimonial", Promotional},
		{"a même publié sur le sujet", `<p>Réservez votre bilan. Le médecin-chef a même publié sur le sujet.</p>`, "endorsement", Promotional},
		{"mon premier soin", `<p>Avec mon code vous avez 15 % de remise.</p><h1>Mon premier soin EXOSOMES</h1>`, "testimonial", Promotional},
		{"rien le lendemain", `<p>Avec mon code vous avez 15 % de remise.</p><ul><li>un peu rouge le soir, rien le lendemain</li></ul>`, "safety", Promotional},
		{"c'est hyper naturel", `<p>Avec mon code vous avez 15 % de remise. Ça booste ce que ta peau sait déjà faire, c'est hyper naturel.</p>`, "natural", Promotional},
		{"mes pores ont fondu", `<p>Avec mon code vous avez 15 % de remise. À J+10 mes pores ont fondu.</p>`, "efficacy", Promotional},
		{"my ponytail feels thicker", `<p>Book your free consultation. My ponytail feels thicker after four sessions.</p>`, "efficacy", Promotional},
		{"a little tender and that was it", `<p>Book your free consultation. My scalp was a little tender that evening and that was it.</p>`, "safety", Promotional},
		{"fed up with creams and pills", `<p>Book your free consultation. If you're fed up with creams and pills, try PRP.</p>`, "alternative", Promotional},
		{"dermatologist recommended", `<p>Add to cart.</p><ul><li>DERMATOLOGIST RECOMMENDED – used in top Seoul dermatology clinics.</li></ul>`, "endorsement", Promotional},
		{"clinically shown", `<p>Add to cart.</p><ul><li>CLINICALLY SHOWN – smoother skin in just 2 weeks.</li></ul>`, "endorsement", Promotional},
		{"eine Anwenderstudie bestätigt", `<p>In den Warenkorb. In einer Anwenderstudie bestätigten 91 % eine glattere Haut.</p>`, "endorsement", Promotional},
		{"in koreanischen Hautkliniken verwendet", `<p>In den Warenkorb. Dieselben Ampullen, die in koreanischen Hautkliniken verwendet werden.</p>`, "endorsement", Promotional},
		{"doctors recommend it", `<p>Buchen Sie Ihre Kur. Viele Ärzte empfehlen sie ihren Patienten als Kraftquelle.</p>`, "endorsement", Promotional},
		{"approved in the USA", `<p>Vereinbaren Sie einen Termin. CAR-T-Zellen sind in den USA und Europa zugelassen.</p>`, "endorsement", Promotional},
		{"das Fortschreiten aufhalten", `<p>Vereinbaren Sie einen Termin. Unsere Zelltherapie kann das Fortschreiten der Makuladegeneration aufhalten.</p>`, "efficacy", Promotional},
		{"cells that stay young", `<p>Book your consultation. A gene that tells muscles to stay young.</p>`, "efficacy", Promotional},
		{"these cells work", `<p>Book your free consult. I'll be honest with you: these cells work.</p>`, "efficacy", Promotional},
		{"ils ont progressé", `<p>Réservez votre place. Quel que soit le diagnostic, nos enfants ont progressé.</p>`, "efficacy", Promotional},
		{"from six pills to one", `<p>Book your free consult. After my treatment I went from six pills a day to one.</p>`, "alternative", Promotional},
		{"off the oxygen", `<p>Book your free consult. Four months later I'm off the oxygen during the day.</p>`, "alternative", Promotional},
		{"moins de médicaments", `<p>Réservez votre bilan. Papa se sent mieux avec moins de médicaments.</p>`, "alternative", Promotional},
		{"no matter how severe", `<p>Book your free consult. It works for every kid, no matter how severe.</p>`, "universality", Promotional},
		{"tout le monde y gagne", `<p>Réservez votre cure. Arthrose, diabète, fatigue : tout le monde y gagne.</p>`, "universality", Promotional},
		{"94% of participants said", `<p>Order your kit today. In our study, 94% of participants said their skin looked firmer.</p>`, "success_rate", Promotional},
		{"des effets secondaires exceptionnels", `<p>Réservez votre bilan. Les effets secondaires sont exceptionnels.</p>`, "safety", Promotional},
		{"add to cart", `<p>Exosome serum, 5 vials. Add to Cart. Buy Now.</p>`, "offer", Promotional},
		{"trusted by royalty", `<p>Request availability. Trusted by royalty, business leaders and film stars.</p>`, "endorsement", Promotional},
		{"a certified laboratory", `<p>Vereinbaren Sie einen Termin. Unser Partnerlabor ist nach internationalen Standards zertifiziert.</p>`, "endorsement", Promotional},
		{"de renommée internationale", `<p>Demandez votre étude gratuite. Nos cliniques travaillent avec des chercheurs de renommée internationale.</p>`, "endorsement", Promotional},
		{"a free information pack", `<p>Unsere Kur ist sanft. Kostenlose Informationsmappe unter kurhaus.example oder telefonisch.</p>`, "offer", Promotional},
		{"studies show that", `<p>Vereinbaren Sie einen Termin. Studien zeigen, dass Exosomen Entzündungen hemmen.</p>`, "endorsement", Promotional},
		{"studies confirm our experience", `<p>Vereinbaren Sie einen Termin. Internationale Studien aus den USA bestätigen diese Erfahrungen.</p>`, "endorsement", Promotional},
		{"thousands of papers", `<p>Book your session today. There are thousands of papers on exosomes now.</p>`, "endorsement", Promotional},
		{"over 1,000 clinical trials", `<p>Book your session today. Stem cells are being studied in over 1,000 clinical trials worldwide.</p>`, "endorsement", Promotional},
		{"leading immunologists", `<p>Vereinbaren Sie einen Termin. Führende Immunologen in Japan nutzen dieses Verfahren seit Jahrzehnten.</p>`, "endorsement", Promotional},
		{"famous clients", `<p>Book your session today. We've treated CEOs, athletes and a few faces you'd recognise from television.</p>`, "endorsement", Promotional},
		{"les études montrent que", `<p>Réservez votre séance. Les études montrent que les cellules réparent le cartilage.</p>`, "endorsement", Promotional},
		{"ne … que restricts, it does not deny", `<p>Notre clinique propose ce soin. Les cellules agissent à la racine, là où les médicaments classiques ne font que masquer les symptômes.</p>`, "alternative", Promotional},
		{"n'a que peu is a claim", `<p>Notre clinique propose ce soin. Notre traitement n'a que peu d'effets secondaires.</p>`, "safety", Promotional},
		{"standard care only soothes", `<p>Notre clinique propose ce soin. Les traitements classiques se contentent de soulager les symptômes.</p>`, "alternative", Promotional},
		{"booked for a replacement", `<p>Book your consultation today. "I was booked for a knee replacement in March."</p>`, "alternative", Promotional},
		{"no drugs, no surgery", `<p>Book your session today. No drugs, no surgery, no downtime.</p>`, "alternative", Promotional},
		{"surgery no longer needed", `<p>Vereinbaren Sie einen Termin. Oft ist eine geplante Knieprothese danach nicht mehr nötig.</p>`, "alternative", Promotional},
		{"a prosthesis made avoidable", `<p>Vereinbaren Sie einen Termin. Viele Knieprothesen wären mit unserer Behandlung vermeidbar.</p>`, "alternative", Promotional},
		{"a knee operation that need not be", `<p>Vereinbaren Sie einen Termin. Eine Knie-OP muss nicht sein.</p>`, "alternative", Promotional},
		{"rather than replacing", `<p>Réservez votre bilan. Nous aidons le cartilage à se réparer, plutôt que de le remplacer par du métal.</p>`, "alternative", Promotional},
		{"without going to the operating room", `<p>Réservez votre bilan. Revenez sur le terrain sans passer par le bloc opératoire.</p>`, "alternative", Promotional},
		{"when standard care no longer suffices", `<p>Réservez votre bilan. Notre soin aide lorsque les traitements classiques ne suffisent plus.</p>`, "alternative", Promotional},
		{"not responded to conventional care", `<p>Book your consultation. Our cells help patients whose conditions have not responded to conventional care.</p>`, "alternative", Promotional},
		{"chose the cells instead", `<p>Book your consultation. "I chose the cells instead and I feel great."</p>`, "alternative", Promotional},
		{"almost everyone", `<p>Book your session today. Honestly it works on almost everyone.</p>`, "universality", Promotional},
		{"tout le monde", `<p>Réservez votre cure. Cette thérapie peut aider presque tout le monde, à tout âge.</p>`, "universality", Promotional},
		{"für praktisch jeden", `<p>Vereinbaren Sie einen Termin. Die Kur eignet sich für jeden Erwachsenen.</p>`, "universality", Promotional},
		{"quel qu'en soit le stade", `<p>Réservez votre cure. Notre protocole s'adresse aux tumeurs solides, quel qu'en soit le stade.</p>`, "universality", Promotional},
		{"quel que soit le niveau", `<p>Réservez votre cure. Troubles du spectre de l'autisme, quel que soit le niveau de sévérité.</p>`, "universality", Promotional},
		{"mild or severe", `<p>Réservez votre cure. Ça marche pour tous les enfants, léger ou sévère.</p>`, "universality", Promotional},
		{"no patient too old", `<p>Book your consultation. No patient is too old or too advanced to be considered.</p>`, "universality", Promotional},
		{"anyone over 35", `<p>Book your consultation. This is for anyone over 35 who wants to age well.</p>`, "universality", Promotional},
		{"all levels", `<p>Book your consultation. All levels of autism are treated.</p>`, "universality", Promotional},
		{"quelle que soit la zone", `<p>Réservez votre bilan. Les cellules stimulent la réparation des tissus, quelle que soit la zone atteinte.</p>`, "universality", Promotional},
		{"ganz gleich, ob im Knie oder im Darm", `<p>Vereinbaren Sie einen Termin. Die Zellen wirken dort, wo der Körper sie braucht – ganz gleich, ob im Knie, im Darm oder im Nervensystem.</p>`, "universality", Promotional},
		{"alle Verlaufsformen", `<p>Vereinbaren Sie einen Termin. Wir behandeln alle Verlaufsformen der MS.</p>`, "universality", Promotional},
		{"a doctor's patients", `<p>Vereinbaren Sie einen Termin. Ich habe Patientinnen gesehen, die man aufgegeben hatte.</p>`, "testimonial", Promotional},
		{"a patient's journey", `<p>Register for our webinar. 7:35 pm: a patient's journey, Sarah W. in conversation.</p>`, "testimonial", Promotional},
		{"a French-speaking coordinator", `<p>Réservez votre cure. La clinique a une coordinatrice qui parle français.</p>`, "travel", Promotional},
		{"the practitioner comes to you", `<p>Réservez votre séance. Je me déplace à votre domicile avec tout le matériel.</p>`, "travel", Promotional},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := analyzeString(t, a, tt.html)
			if got := stanceOf(r, tt.category); got != tt.want {
				t.Errorf("stance of %s = %s, want %s (voice %s, claims %+v)", tt.category, got, tt.want, r.Voice, r.Claims)
			}
		})
	}
}

// A quoted rule (a patient's first person) matches only within quotation
// marks, and its quotes do not turn a clinic's page into a report.
func TestQuotedRules(t *testing.T) {
	a := analyzer(t)
	rulesOf := func(r *Report, cat string) []string {
		var ids []string
		for _, c := range r.Claims {
			if c.Category == cat {
				ids = append(ids, c.Rule+":"+c.Stance)
			}
		}
		return ids
	}
	clinic := `<p>Notre clinique est à Riga. Réservez une consultation.</p>` +
		`<p>« Après trois mois, j'ai pu reprendre le tennis avec mes amies », raconte Odile, 61 ans, de Nantes.</p>` +
		`<p>« Mon fils s'est remis à parler », raconte Karim, de Lille.</p>` +
		`<p>« Je revis depuis mon séjour », raconte Anne, de Rennes.</p>`
	r := analyzeString(t, a, clinic)
	if got := rulesOf(r, "testimonial"); !slices.Contains(got, "fr.testimonial.quoted:promotional") {
		t.Errorf("quoted first person on a clinic page: testimonial claims %v, want fr.testimonial.quoted, promotional (voice %s)", got, r.Voice)
	}
	if r.Voice != VoiceProvider {
		t.Errorf("a clinic's quoted testimonials made its voice %s, want %s", r.Voice, VoiceProvider)
	}
	plain := analyzeString(t, a, `<p>Je vous reçois au cabinet le mardi. Mon assistante répond au téléphone.</p>`)
	for _, c := range plain.Claims {
		if c.Rule == "fr.testimonial.quoted" {
			t.Errorf("an unquoted first person matched the quoted rule: %+v", c)
		}
	}
	// A reader's question in an FAQ claims nothing; the answer may.
	qa := analyzeString(t, a, `<h2>Dois-je arrêter ma chimiothérapie ?</h2><p>Non : nos cellules NK complètent la chimiothérapie, sans la remplacer.</p>`+
		`<h2>Can I skip surgery after the injection?</h2><p>Ask your surgeon.</p>`)
	for _, c := range qa.Claims {
		if strings.HasSuffix(strings.TrimSpace(c.Quote), "?") {
			t.Errorf("a reader's question made a claim: %s %q", c.Category, c.Quote)
		}
	}
	// A patient's question, quoted, tells no story.
	faq := analyzeString(t, a, `<p>On me demande souvent : « Docteur, est-ce que je vais devoir me faire opérer ? »</p>`+
		`<p>« Et si je suis diabétique ? »</p>`+
		`<p>On m'a posé la question : « Docteur, est-ce que je vais finir avec une prothèse ? » Pendant longtemps, la réponse était oui.</p>`)
	for _, c := range faq.Claims {
		if c.Rule == "fr.testimonial.quoted" {
			t.Errorf("a quoted question matched the quoted rule: %q", c.Quote)
		}
	}
}

func TestQuotesAreVerbatimSentences(t *testing.T) {
	a := analyzer(t)
	long := strings.Repeat("Notre clinique accompagne chaque patient avec attention et bienveillance, ", 12)
	r := analyzeString(t, a, `<p>Notre traitement est sans effets secondaires. `+long+`et il est sans douleur.</p>`)
	if len(r.Claims) < 2 {
		t.Fatalf("claims = %+v, want at least 2", r.Claims)
	}
	doc, _ := extract.Parse([]byte(`<p>Notre traitement est sans effets secondaires. `+long+`et il est sans douleur.</p>`), "text/html", "", "", extract.Options{})
	for _, c := range r.Claims {
		if doc.Text[c.Start:c.End] != c.Quote {
			t.Errorf("quote %q is not Text[%d:%d]", c.Quote, c.Start, c.End)
		}
		if !strings.Contains(c.Quote, c.Match) || len(c.Quote) > maxQuote+40 {
			t.Errorf("quote %q (%d bytes) lacks its match %q or is too long", c.Quote, len(c.Quote), c.Match)
		}
	}
	if r.Claims[0].Quote != "Notre traitement est sans effets secondaires." {
		t.Errorf("first quote = %q, want the whole sentence", r.Claims[0].Quote)
	}
}

func TestTherapiesAndAuthorisation(t *testing.T) {
	a := analyzer(t)
	r := analyzeString(t, a, `<p>Kymriah (tisagenlecleucel) est une thérapie par cellules CAR-T. Les cellules souches mésenchymateuses sont étudiées. Le vaccin à cellules dendritiques n'est pas autorisé.</p>`)
	got := map[string]Therapy{}
	for _, th := range r.Therapies {
		got[th.ID] = th
	}
	if !got["kymriah"].Authorised || got["kymriah"].Class != "gene_therapy" {
		t.Errorf("kymriah = %+v, want authorised gene_therapy", got["kymriah"])
	}
	if th, ok := got["dendritic-cell-therapy"]; !ok || th.Authorised {
		t.Errorf("dendritic-cell-therapy = %+v (found %v), want found, not authorised", th, ok)
	}
	if _, ok := got["stem-cell-therapy"]; ok {
		t.Errorf("generic stem-cell-therapy listed beside the mesenchymal one it is part of: %+v", r.Therapies)
	}
	if _, ok := got["mesenchymal-stem-cell-therapy"]; !ok {
		t.Errorf("mesenchymal-stem-cell-therapy not found: %+v", r.Therapies)
	}
	for text, id := range map[string]string{
		"Des perfusions de cellules de sang de cordon ombilical.": "cord-blood-cell-therapy",
		"Stem cells from umbilical cord blood.":                   "cord-blood-cell-therapy",
		"Die klassische Frischzellenkur am Bodensee.":             "fresh-cell-therapy",
		"Une cure de cellules fraîches en Suisse.":                "fresh-cell-therapy",
	} {
		r := analyzeString(t, a, "<p>"+text+"</p>")
		found := false
		for _, th := range r.Therapies {
			found = found || th.ID == id
		}
		if !found {
			t.Errorf("%q: therapies %+v, want %s", text, r.Therapies, id)
		}
	}
}

func TestAudienceSignals(t *testing.T) {
	a := analyzer(t)
	tests := []struct {
		name, url, html string
		french          bool
		want            []string
	}{
		{"english page with french alternate", "https://klinik.example/en/", `<html lang="en"><head><link rel="alternate" hreflang="fr-CH" href="/fr/"></head><body><p>Our clinic offers the treatment to patients from all over the world and we are there for you.</p></body></html>`, true, []string{"hreflang-fr"}},
		{"english page, phone and euros only", "https://klinik.example/", `<html lang="en"><body><p>Call +33 1 84 60 27 19. The cycle costs 9 000 € and our team is there for you.</p></body></html>`, true, []string{"phone-fr", "price-eur"}},
		{"english page, euros only", "https://klinik.example/", `<html lang="en"><body><p>The cycle costs 9 000 € and our team is there for you with the best care.</p></body></html>`, false, []string{"price-eur"}},
		{"french path and tld", "https://clinique.fr/fr/soins?lang=fr", `<html><body><p>Une page courte.</p></body></html>`, true, []string{"path-fr", "param-lang-fr", "tld-fr"}},
		{"french city capitalised only", "https://x.example/", `<html lang="en"><body><p>Sophie from Lyon says it was nice, and the tours were great for the patients.</p></body></html>`, false, []string{"city-fr"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := extract.Parse([]byte(tt.html), "text/html", "", tt.url, extract.Options{})
			if err != nil {
				t.Fatal(err)
			}
			got := a.Analyze(doc, captureDate).Audience
			if got.FrenchPublic != tt.french {
				t.Errorf("french_public = %v, want %v (signals %v)", got.FrenchPublic, tt.french, got.Signals)
			}
			if diff := cmp.Diff(tt.want, got.Signals); diff != "" {
				t.Errorf("signals (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCorpus measures the analyzer on the labelled corpus and holds the
// figures: a change that loses ground fails. testdata/corpus/tuned is what
// the rules were tuned on; testdata/corpus/heldout was written apart, in
// other voices, and never looked at while tuning. The floors are the
// figures measured when they were set, rounded down; category is the floor
// under every category's precision and recall (the issue "claims" asks
// 0.85 of each, on both parts).
func TestCorpus(t *testing.T) {
	a := analyzer(t)
	tests := []struct {
		part                                    string
		accuracy, audience, prec, rec, category float64
	}{
		{"tuned", 0.99, 0.98, 0.96, 0.94, 0.88},
		{"heldout", 0.97, 0.93, 0.96, 0.85, 0.69},
	}
	for _, tt := range tests {
		ev, err := a.Evaluate("testdata/corpus/"+tt.part, captureDate)
		if err != nil {
			t.Fatal(err)
		}
		p, r := ev.Micro()
		t.Logf("%s: %d pages, verdict accuracy %.3f, french public %.3f, categories precision %.3f recall %.3f",
			tt.part, ev.Pages, ev.Accuracy, ev.Audience, p, r)
		if ev.Accuracy < tt.accuracy || ev.Audience < tt.audience || p < tt.prec || r < tt.rec {
			t.Errorf("%s: accuracy %.3f, french public %.3f, precision %.3f, recall %.3f: below the floors %.2f, %.2f, %.2f, %.2f",
				tt.part, ev.Accuracy, ev.Audience, p, r, tt.accuracy, tt.audience, tt.prec, tt.rec)
		}
		for _, c := range Categories {
			if s := ev.Category[c]; s.Precision < tt.category || s.Recall < tt.category {
				t.Errorf("%s: %s precision %.3f, recall %.3f: below the floor %.2f", tt.part, c, s.Precision, s.Recall, tt.category)
			}
		}
	}
}

func TestQuotesVerbatimOnCorpus(t *testing.T) {
	a := analyzer(t)
	files, _ := filepath.Glob("testdata/corpus/*/*.html")
	if len(files) < 25 {
		t.Fatalf("%d corpus pages", len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := extract.Parse(b, "", "", "", extract.Options{})
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, c := range a.Analyze(doc, captureDate).Claims {
			if doc.Text[c.Start:c.End] != c.Quote || !strings.Contains(c.Quote, c.Match) {
				t.Errorf("%s: quote %q is not verbatim at %d:%d or lacks its match", f, c.Quote, c.Start, c.End)
			}
		}
	}
}

func TestPageLanguageRuleNamesTheClaim(t *testing.T) {
	a := analyzer(t)
	// "réinjection" and "12 500 euros" are matched by French and English rules alike.
	r := analyzeString(t, a, `<html lang="fr"><body><p>La réinjection de vos cellules a lieu le lendemain, dans notre clinique partenaire. Le cycle complet coûte 12 500 euros, tout compris pour vous.</p></body></html>`)
	if len(r.Claims) < 2 {
		t.Fatalf("claims = %+v", r.Claims)
	}
	for _, c := range r.Claims {
		if !strings.HasPrefix(c.Rule, "fr.") {
			t.Errorf("claim %s on a French page named by %s, want a French rule", c.Category, c.Rule)
		}
	}
}

func TestGermanPages(t *testing.T) {
	a := analyzer(t)
	read := func(name string) *Report {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := extract.Parse(b, "", "", "", extract.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return a.Analyze(doc, captureDate)
	}
	clinic := read("de-clinic.html")
	cats := map[string]bool{}
	for _, c := range clinic.Claims {
		if c.Stance == Promotional {
			cats[c.Category] = true
		}
		if !strings.HasPrefix(c.Rule, "de.") {
			t.Errorf("claim %s on a German page named by %s", c.Category, c.Rule)
		}
	}
	for _, want := range []string{"safety", "efficacy", "manipulation", "success_rate", "universality", "alternative", "testimonial", "offer"} {
		if !cats[want] {
			t.Errorf("German clinic: no promotional %s claim (got %v)", want, cats)
		}
	}
	if !clinic.Promotional || clinic.Lang != "de" {
		t.Errorf("German clinic: promotional %v lang %s", clinic.Promotional, clinic.Lang)
	}
	news := read("de-news.html")
	if news.Promotional {
		t.Errorf("German news article is promotional (voice %s)", news.Voice)
	}
	for _, c := range news.Claims {
		if c.Stance == Promotional {
			t.Errorf("German news claim %s %q has promotional stance", c.Category, c.Quote)
		}
	}
	if stanceOf(news, "safety") == "none" {
		t.Errorf("German news: the quoted safety claim was not found: %+v", news.Claims)
	}
}

// A page naming an authorised medicine needs more to be promotion: a
// hospital describing the CAR-T products it gives, in its own voice, is
// information; a clinic that sells beside the same name still promotes.
func TestAuthorisedProductWeighsAgainstPromotion(t *testing.T) {
	a := analyzer(t)
	hospital := `<h1>Centre de thérapie cellulaire du CHU</h1>` +
		`<p>Notre centre est qualifié pour administrer Kymriah et Yescarta, des cellules CAR-T autorisées.</p>` +
		`<p>Vos propres lymphocytes T sont prélevés, puis modifiés par le fabricant.</p>` +
		`<p>Dans les essais, une partie des patients obtient une rémission durable.</p>`
	r := analyzeString(t, a, hospital)
	if r.Promotional {
		t.Errorf("hospital page on authorised CAR-T: promotional (score %.3f, features %+v)", r.Score, r.Features)
	}
	without := analyzeString(t, a, strings.NewReplacer("Kymriah et Yescarta", "ces traitements").Replace(hospital))
	if without.Score <= r.Score {
		t.Errorf("naming authorised products did not lower the score: %.3f with, %.3f without", r.Score, without.Score)
	}
	// One authorised medicine named and no price: a hospital's page.
	luxturna := `<h1>Luxturna gene therapy</h1><p>Our service gives Luxturna to children and adults with RPE65 retinal dystrophy.</p>` +
		`<p>We can only offer the treatment if our multidisciplinary team agrees it is appropriate.</p>` +
		`<p>In the clinical trial that led to its licence, many treated patients were better able to move around in dim light.</p>` +
		`<p>The injection is generally well tolerated.</p><p>Possible side effects include eye inflammation, raised eye pressure and cataract.</p>` +
		`<p>Our team will go through these with you. Families can contact us with questions.</p>`
	if l := analyzeString(t, a, luxturna); l.Promotional {
		t.Errorf("hospital page on Luxturna: promotional (score %.3f, features %+v)", l.Score, l.Features)
	}
	clinic := `<p>Notre clinique propose une thérapie CAR-T plus avancée que Kymriah, sans effets secondaires, efficace contre tous les cancers.</p>` +
		`<p>Nos patients retrouvent une vie normale. Réservez votre consultation : 25 000 €.</p>`
	if c := analyzeString(t, a, clinic); !c.Promotional {
		t.Errorf("clinic selling beside an authorised name: not promotional (score %.3f, features %+v)", c.Score, c.Features)
	}
}

// A provider's press release speaks of it in the third person; its
// figures and quotes are still the provider's promotion.
func TestPressReleaseSpeaksForTheProvider(t *testing.T) {
	a := analyzer(t)
	pr := `<h1>Harbour Cell Clinic opens its NK cell programme to international patients</h1>` +
		`<p>Nassau – Harbour Cell Clinic today announced that its activated NK cell therapy is available to patients from abroad.</p>` +
		`<p>In an internal cohort of 40 patients, 70% showed tumour shrinkage; side effects were rare and mild.</p>` +
		`<p>The cells are taken from the patient's blood, activated and expanded for 14 days in the clinic's laboratory.</p>` +
		`<p>The complete programme is priced at US$38,000, hotel included. Patients can apply online.</p>` +
		`<p>Media contact: press@harbour-cell.example</p>`
	r := analyzeString(t, a, pr)
	if !r.Promotional || r.Voice != VoiceProvider {
		t.Errorf("press release: promotional %v, voice %s (score %.3f, features %+v)", r.Promotional, r.Voice, r.Score, r.Features)
	}
}

// A patients' group writes in the first person too, and names the prices
// it warns of: its warnings and its survey of sites make it a report, and
// the claims it quotes are not its own.
func TestAssociationWarningSpeaksAgainstTheClaims(t *testing.T) {
	a := analyzer(t)
	letter := `<h1>Vorsicht bei Stammzell-Angeboten</h1>` +
		`<p>Liebe Mitglieder, wir haben die Seiten von fünf Kliniken in Tschechien und Zypern genau durchgesehen.</p>` +
		`<p>„Unsere Stammzellen heilen Arthrose ohne jede Nebenwirkung."</p>` +
		`<p>„Bei 90 % unserer Patienten verschwinden die Schmerzen."</p>` +
		`<p>Dazu kommen Pauschalpreise von 9.000 bis 25.000 Euro, Flug und Hotel inklusive.</p>` +
		`<p>Keine dieser Behandlungen ist in der EU zugelassen. Die Krankenkassen übernehmen nichts.</p>` +
		`<p>Wir raten Ihnen: Sprechen Sie mit Ihrer Ärztin, bevor Sie etwas unterschreiben.</p>`
	r := analyzeString(t, a, letter)
	if r.Promotional || r.Voice == VoiceProvider {
		t.Errorf("association warning: promotional %v, voice %s (score %.3f, features %+v)", r.Promotional, r.Voice, r.Score, r.Features)
	}
	for _, c := range r.Claims {
		if c.Category != "offer" && c.Category != "travel" && c.Stance == Promotional {
			t.Errorf("association warning: quoted claim %s %q is promotional", c.Category, c.Match)
		}
	}
	if stanceOf(r, "safety") == "none" {
		t.Errorf("association warning: the quoted safety claim was not found: %+v", r.Claims)
	}
}

// An influencer's paid post speaks for the clinic that pays for it; a
// doctor's warning, in the first person too, speaks against the claims.
func TestPaidPostAndDoctorsWarning(t *testing.T) {
	a := analyzer(t)
	post := `<p>Day 5 after my exosome facial at the clinic and my skin feels ten years younger, zero downtime!</p>` +
		`<p>The cells are grown in their lab from donated cord tissue. It's your body's natural repair system.</p>` +
		`<p>Paid partnership with the clinic. Use my promo code for 15% off, link in bio.</p>`
	p := analyzeString(t, a, post)
	if !p.Promotional || p.Voice != VoiceProvider {
		t.Errorf("paid post: promotional %v, voice %s (score %.3f, features %+v)", p.Promotional, p.Voice, p.Score, p.Features)
	}
	warning := `<h1>Before you pay for a stem cell injection</h1>` +
		`<p>In my clinic patients often show me brochures. One clinic says its cells "rebuild cartilage without any risk".</p>` +
		`<p>Another claims that "90% of patients" are pain-free after a year, at a price of £6,000.</p>` +
		`<p>There is no good evidence for it: in controlled trials the benefit was not statistically significant.</p>` +
		`<p>I recommend exercise first, and asking about clinical trials.</p>`
	w := analyzeString(t, a, warning)
	if w.Promotional || w.Voice != VoiceReporting {
		t.Errorf("doctor's warning: promotional %v, voice %s (score %.3f, features %+v)", w.Promotional, w.Voice, w.Score, w.Features)
	}
}

// Those who inform state a treatment's risks, and insurers write to their
// members: neither is a seller, even in the first person.
func TestRisksAndInsurersWeighAgainstPromotion(t *testing.T) {
	a := analyzer(t)
	risks := `<p>Les effets indésirables possibles comprennent une fièvre élevée et des troubles neurologiques.</p>`
	hospital := `<h1>Thérapie CAR-T dans notre service</h1>` +
		`<p>Notre service administre Kymriah à des patients dont le lymphome a résisté aux traitements.</p>` +
		`<p>Vos lymphocytes sont prélevés, puis modifiés génétiquement par le fabricant.</p>` +
		`<p>Une partie des patients obtient des rémissions prolongées. Contactez notre équipe.</p>`
	with := analyzeString(t, a, hospital+risks)
	without := analyzeString(t, a, hospital)
	if with.Score >= without.Score {
		t.Errorf("stating risks did not lower the score: %.3f with, %.3f without", with.Score, without.Score)
	}
	if with.Promotional {
		t.Errorf("hospital page stating the risks of an authorised medicine: promotional (score %.3f, features %+v)", with.Score, with.Features)
	}
	insurer := `<h1>Cellules souches : que rembourse votre mutuelle ?</h1>` +
		`<p>Nous avons reçu de nombreuses demandes de nos adhérents pour des injections de cellules souches à l'étranger.</p>` +
		`<p>Ces injections ne sont pas prises en charge : nous ne les remboursons pas au titre de vos garanties santé.</p>` +
		`<p>Certaines cliniques affirment que « les cellules régénèrent le cartilage sans aucun risque » pour 8 000 euros.</p>` +
		`<p>Nos conseillers répondent à vos questions au 01 40 00 00 00.</p>`
	if r := analyzeString(t, a, insurer); r.Promotional || r.Voice == VoiceProvider {
		t.Errorf("mutual insurer's page: promotional %v, voice %s (score %.3f, features %+v)", r.Promotional, r.Voice, r.Score, r.Features)
	}
	// Not risks: a sentence claiming safety, one denying complications,
	// one on the standard treatment's.
	for _, sentence := range []string{
		`<p>Les effets secondaires possibles sont minimes et passagers.</p>`,
		`<p>Nous n'avons observé aucune complication grave ; les risques connus sont inexistants.</p>`,
		`<p>Contrairement à la prothèse, dont les complications possibles incluent l'infection, nos injections préservent le genou.</p>`,
	} {
		r := analyzeString(t, a, hospital+sentence)
		if f := feature(r, "risks_stated"); f != 0 {
			t.Errorf("%s: risks_stated = %v, want 0", sentence, f)
		}
	}
	if f := feature(with, "risks_stated"); f != 1 {
		t.Errorf("a list of side effects: risks_stated = %v, want 1", f)
	}
}

func feature(r *Report, name string) float64 {
	for _, f := range r.Features {
		if f.Name == name {
			return f.Value
		}
	}
	return -1
}

// Sellers say what insurers do not pay, name the authorised medicines
// they undercut, and quote a doctor: none of it makes their page a report.
func TestSellersStayPromotional(t *testing.T) {
	a := analyzer(t)
	for name, page := range map[string]string{
		"a podcast's guest rebutting warnings": `<p>HOST: There have been warnings about fresh cells in Germany.</p>` +
			`<p>DR. ALBRECHT: Those warnings concern poorly run practices decades ago.</p>` +
			`<p>Within weeks, most of our guests describe more energy and a stronger immune system.</p>` +
			`<p>It is a natural therapy, and our guests tolerate it beautifully. The classic stay is five nights; it's around €8,900.</p>`,
		"an influencer's discount": `<p>Six months after my follistatin gene therapy my grip strength is up 18%. It works.</p>` +
			`<p>Regulators will take 20 years to approve anything that treats aging.</p>` +
			`<p>I negotiated a deal for my community: use REBOOT10 for 10% off the $25k protocol. Link in bio.</p>` +
			`<p>The same doctors who said keto was dangerous lol.</p>`,
		"a webinar's sign-up page": `<h1>Retrouvez l'énergie de vos 40 ans grâce aux cellules fraîches</h1>` +
			`<p>Webinaire gratuit en français, jeudi à 19 h. Je réserve ma place.</p>` +
			`<p>« J'ai fait ma cure en avril, à 71 ans je me sens revivre. » — Jacqueline, Annecy</p>` +
			`<p>« Une approche naturelle et douce, rien à voir avec les hormones de synthèse. » — Bernard, Strasbourg</p>` +
			`<p>« Mes douleurs ont disparu, c'est vraiment efficace. » — Paul, Colmar</p>` +
			`<p>La cure régénère vos organes en profondeur : 9 curistes sur 10 se disent plus énergiques dès la troisième semaine.</p>` +
			`<p>Inscrivez-vous au webinaire.</p>`,
		"a newsletter scorning regulators": `<h1>Healthspan Dispatch, issue 42</h1>` +
			`<p>Follistatin gene therapy reverses muscle ageing: 9 out of 10 patients report more strength, with no side effects.</p>` +
			`<p>The therapy is not approved by the FDA. Regulators will take decades to catch up.</p>` +
			`<p>The Roatán clinic offers the protocol for $24,000: book your slot through the link below.</p>`,
		"insurers do not pay": `<h1>Eigenblut-Therapie</h1>` +
			`<p>Die Eigenblut-Therapie regeneriert den Knorpel mit Ihren eigenen Zellen, sanft und ohne Nebenwirkungen.</p>` +
			`<p>Behandelt werden Privatpatienten und gesetzlich Versicherte.</p>` +
			`<p>Die Krankenkassen übernehmen die Kosten nicht. Eine Sitzung kostet 290 Euro. Termin unter 0761 000 000.</p>`,
		"undercutting authorised medicines": `<h1>CAR-T in Mexico</h1>` +
			`<p>Our clinic offers CAR-T cell therapy at a fraction of the price of Kymriah, Yescarta or Breyanzi.</p>` +
			`<p>Our CAR-T cells destroy cancer cells with few side effects. The full treatment costs USD 45,000.</p>` +
			`<p>Book your consultation with our team today.</p>`,
		"a doctor quoted": `<h1>Stem cell clinic Lane</h1>` +
			`<p>Dr. Lane says stem cells repair cartilage without risk.</p>` +
			`<p>Patients say they walk again after one injection.</p>` +
			`<p>What the evidence shows is clear: sham procedures cannot match these results.</p>` +
			`<p>Treatment packages from $9,000: we offer a free consultation, book with our team.</p>`,
		// Sellers who speak of insurance, members and refunds are not
		// payers (cue kind payer).
		"a clinic on insurance": `<h1>Stem cell therapy for knee arthritis in Cancún</h1>` +
			`<p>Our clinic offers mesenchymal stem cell injections that regenerate damaged cartilage, with no side effects.</p>` +
			`<p>Stem cell therapy is not covered by your insurance, but we offer financing with instant pre-approval.</p>` +
			`<p>Your treatment plan includes three infusions. We cover your hotel and transfers for the whole week.</p>` +
			`<p>Our members get 10% off every protocol. Log in to the member area to book. Prices start at US$ 9,900.</p>`,
		"a broker on refunds": `<h1>Traitement par cellules souches au Panama</h1>` +
			`<p>Notre équipe organise votre traitement dans une clinique partenaire. Les cellules souches régénèrent les tissus abîmés.</p>` +
			`<p>Nous prenons en charge votre billet d'avion, l'hôtel et les transferts. Nos prestations comprennent trois injections.</p>` +
			`<p>Votre mutuelle peut rembourser une partie des frais : consultez votre tableau de garanties.</p>` +
			`<p>Notre garantie : si l'injection ne peut pas avoir lieu, nous vous remboursons l'acompte. Forfait à partir de 12 900 €.</p>`,
		"a German clinic on costs": `<h1>Stammzelltherapie bei Kniearthrose</h1>` +
			`<p>Unsere Klinik behandelt Arthrose mit körpereigenen Stammzellen, die den Knorpel regenerieren.</p>` +
			`<p>Die Krankenkassen übernehmen die Kosten nicht. Für Versicherte der privaten Krankenversicherung erstellen wir einen Kostenvoranschlag vorab.</p>` +
			`<p>Wir übernehmen die Kosten für Hotel und Transfer. Sollte die Behandlung nicht stattfinden, erstatten wir Ihnen die Anzahlung.</p>` +
			`<p>Die Behandlung kostet ab 6.900 Euro.</p>`,
		// Sellers use the sceptics' words too (cue kind critical).
		"a seller's rhetoric": `<h1>Exosome therapy for knee pain</h1>` +
			`<p>Our clinic offers exosome injections that regenerate cartilage.</p>` +
			`<p>Too good to be true? Not for the 2,300 patients we have treated.</p>` +
			`<p>In our latest patient satisfaction survey, 96% of patients reported less pain. This is not a placebo effect.</p>` +
			`<p>Never delay treatment: every month of waiting means more cartilage lost. Treatment from $4,900.</p>`,
		"a German seller's rhetoric": `<h1>Dendritische Zellen</h1><p>Unsere Klinik behandelt Krebs mit dendritischen Zellen.</p>` +
			`<p>Klingt zu gut, um wahr zu sein? Fragen Sie uns nach unseren Studien und Daten.</p>` +
			`<p>Studien zeigen keine Nebenwirkungen, und die Tumoren schrumpfen bei 80 % der Patienten.</p>` +
			`<p>Eine Therapie sollte man nie verschieben. Keine Weitergabe Ihrer Daten an Dritte. Die Behandlung kostet 14.000 Euro.</p>`,
		// "cookie-cutter" is no cookie notice (cue kind boilerplate).
		"cookie-cutter": `<h1>Stem cell therapy for knee arthritis</h1>` +
			`<p>Unlike cookie-cutter clinics, our stem cell therapy regenerates damaged cartilage with no side effects.</p>` +
			`<p>No cookie-cutter protocols: we offer personalised treatment with 95% success. Prices from $7,500.</p>`,
	} {
		if r := analyzeString(t, a, page); !r.Promotional || r.Voice == VoiceReporting {
			t.Errorf("%s: promotional %v, voice %s (score %.3f, features %+v)", name, r.Promotional, r.Voice, r.Score, r.Features)
		}
	}
}

// A warning with as many critical cues as first-person ones is a report
// when most of its claims are put in the sellers' mouths.
func TestWarningAsCriticalAsPersonal(t *testing.T) {
	a := analyzer(t)
	warning := `<p>In my clinic I see patients who paid for stem cell injections.</p>` +
		`<p>One clinic claims its cells "cure arthritis without any risk". Another says that "90% of patients" walk again.</p>` +
		`<p>A third advertises that its treatment "regenerates cartilage naturally".</p>` +
		`<p>There is no good evidence for any of it. In trials the benefit was not statistically significant.</p>` +
		`<p>I recommend exercise first.</p>`
	r := analyzeString(t, a, warning)
	if r.Promotional || r.Voice != VoiceReporting {
		t.Errorf("doctor's warning: promotional %v, voice %s (score %.3f, features %+v)", r.Promotional, r.Voice, r.Score, r.Features)
	}
}

// Each authorised medicine a page names weighs against promotion (up to
// three): a hospital listing the products it gives is not selling them.
func TestSeveralAuthorisedProductsWeighMore(t *testing.T) {
	a := analyzer(t)
	page := func(products string) string {
		return `<h1>Cellules CAR-T dans notre centre</h1>` +
			`<p>Notre centre administre ` + products + ` aux patients dont le lymphome a résisté aux traitements.</p>` +
			`<p>Vos lymphocytes sont prélevés puis modifiés génétiquement ; la perfusion se fait dans notre unité.</p>` +
			`<p>Une partie des patients obtient une rémission prolongée. Prenez rendez-vous avec notre équipe.</p>`
	}
	one := analyzeString(t, a, page("Kymriah"))
	three := analyzeString(t, a, page("Kymriah, Yescarta et Breyanzi"))
	if three.Score >= one.Score {
		t.Errorf("naming three authorised products scores %.3f, one %.3f: want lower", three.Score, one.Score)
	}
	if three.Promotional {
		t.Errorf("hospital listing three authorised CAR-T medicines: promotional (score %.3f, features %+v)", three.Score, three.Features)
	}
}

// A German news report on a boom: its alarm and the risks it says are
// played down make it a report, whatever its cookie banner says.
func TestGermanNewsOnABoom(t *testing.T) {
	a := analyzer(t)
	news := `<div class="cmp"><p>Wir und unsere Partner verarbeiten Ihre Daten.</p></div>` +
		`<h1>Teure Hoffnung: der Exosomen-Boom</h1>` +
		`<p>Exosomen sollen Haare sprießen lassen und Gelenke heilen. Doch Fachleute sind alarmiert.</p>` +
		`<p>„Sichtbar dichteres Haar – ganz ohne Nebenwirkungen", heißt es in einem Werbeclip.</p>` +
		`<p>Risiken werden kleingeredet: Werbung für nicht zugelassene Arzneimittel ist verboten.</p>` +
		`<p>„Ich habe zwei Sets gekauft, fast 400 Euro. Gebracht hat es nichts", erzählt eine Leserin.</p>`
	r := analyzeString(t, a, news)
	if r.Promotional || r.Voice == VoiceProvider {
		t.Errorf("German news report: promotional %v, voice %s (score %.3f, features %+v)", r.Promotional, r.Voice, r.Score, r.Features)
	}
}

// Without surgery is a claim of a gentle, non-invasive treatment (safety),
// not of a replacement for standard care; "first line of defence" is not
// a first-line treatment.
func TestWithoutSurgeryIsSafety(t *testing.T) {
	a := analyzer(t)
	for name, page := range map[string]string{
		"fr": `<p>Notre cure se fait doucement, sans chirurgie et sans hospitalisation. Réservez votre séjour.</p>`,
		"en": `<p>Our injections are done without surgery or a scalpel. Book your consultation.</p>`,
		"de": `<p>Unsere Behandlung erfolgt ohne Operation und ohne Narkose. Vereinbaren Sie einen Termin.</p>`,
	} {
		r := analyzeString(t, a, page)
		if got := stanceOf(r, "safety"); got != Promotional {
			t.Errorf("%s: safety %s, want promotional (claims %+v)", name, got, r.Claims)
		}
		if got := stanceOf(r, "alternative"); got != "none" {
			t.Errorf("%s: alternative %s, want none (claims %+v)", name, got, r.Claims)
		}
	}
	r := analyzeString(t, a, `<p>Natural killer cells are the immune system's first line of defence against cancer.</p>`)
	if got := stanceOf(r, "alternative"); got != "none" {
		t.Errorf("first line of defence: alternative %s, want none", got)
	}
	r = analyzeString(t, a, `<p>CAR-T cells are now a first-line treatment for some lymphomas.</p>`)
	if got := stanceOf(r, "alternative"); got == "none" {
		t.Errorf("first-line treatment: no alternative claim (claims %+v)", r.Claims)
	}
}

// A German provider inverts its verb after an adverbial ("Seit 40 Jahren
// führen wir …") and names its house: its page speaks in its own voice,
// even with no other first person.
func TestGermanProviderInvertsItsVerb(t *testing.T) {
	a := analyzer(t)
	page := `<h1>Frischzellen-Kur</h1>` +
		`<p>Seit 40 Jahren führen wir die Frischzellentherapie in unserem Haus durch.</p>` +
		`<p>Je nach Bedarf kombinieren wir Zellen aus Leber und Plazenta, nach Professor Niehans.</p>` +
		`<p>„Ich fühle mich mit 72 wie mit 55.“ – Ingrid, München</p>` +
		`<p>Sanft und gut verträglich. Kur ab 6.980 € pro Person.</p>`
	r := analyzeString(t, a, page)
	if !r.Promotional || r.Voice != VoiceProvider {
		t.Errorf("promotional %v, voice %s (score %.3f, features %+v)", r.Promotional, r.Voice, r.Score, r.Features)
	}
}

// An insurer tells its members, in its own first person, what it pays for
// and what it does not: that is not a provider's voice. A seller saying
// that insurers do not pay stays a seller (TestSellersStayPromotional).
func TestInsurersSpeakAsPayers(t *testing.T) {
	a := analyzer(t)
	for name, page := range map[string]string{
		"fr": `<h1>Thérapies cellulaires : êtes-vous couvert ?</h1>` +
			`<p>Notre service adhérents reçoit des devis pour des injections de cellules souches, présentées comme « sans effets secondaires ».</p>` +
			`<p>Les CAR-T autorisés sont pris en charge. Nous remboursons aussi les soins liés à une complication.</p>` +
			`<p>Les injections de cellules souches contre l'arthrose ne figurent pas à vos garanties santé.</p>` +
			`<p>Envoyez votre devis depuis votre espace adhérent ou appelez notre service Conseil Santé au 09 70 00 00 00.</p>`,
		"fr, a member's quote": `<h1>Soins à l'étranger : ce que couvre votre contrat</h1>` +
			`<p>M. D., 67 ans, nous a transmis un devis de 14 900 € pour un « forfait Mexique » de cellules souches, présenté comme « remboursable par votre mutuelle ».</p>` +
			`<p>Nos médecins conseils ont examiné la demande : nous ne remboursons pas ces injections.</p>` +
			`<p>Vos garanties santé couvrent les soins urgents à l'étranger. Notre service adhérents répond à vos questions.</p>` +
			`<p>Adhérents, pensez à envoyer toute demande de remboursement depuis votre espace adhérent.</p>` +
			`<p>Notre équipe vous accompagne. Nos conseillers vous rappellent sous 48 heures.</p>`,
		"en": `<h1>Cell therapies: what your plan covers</h1>` +
			`<p>We cover approved CAR-T therapies when your specialist recommends them.</p>` +
			`<p>We do not cover stem cell injections sold as a cure for arthritis with no side effects.</p>` +
			`<p>Ask for prior authorisation before treatment. Our members can call our care team on 0800 000 0000.</p>`,
		"de": `<h1>Zelltherapien: Was übernimmt Ihre BKK?</h1>` +
			`<p>Für zugelassene CAR-T-Therapien übernehmen wir die Kosten.</p>` +
			`<p>Stammzellinjektionen, die als sanft und nebenwirkungsfrei beworben werden, erstatten wir nicht.</p>` +
			`<p>Schicken Sie uns Ihren Kostenvoranschlag vorab zur Prüfung über die Online-Filiale. Unser Team berät Sie.</p>`,
		// The statutory co-payment an insurer tells its members about is
		// no seller's price.
		"de co-payment": `<h1>Gentherapien: Was zahlt die Kasse?</h1>` +
			`<p>CAR-T-Zelltherapien wie Kymriah sind zugelassen. Auch diese Therapien übernehmen wir.</p>` +
			`<p>Sie zahlen lediglich die gesetzliche Zuzahlung von 10 Euro pro Tag.</p>` +
			`<p>Privatkliniken werben mit sanften, nebenwirkungsfreien Stammzell-Infusionen gegen Arthrose. Diese Kosten können wir nicht übernehmen.</p>` +
			`<p>Die Behandlung der Komplikationen übernehmen wir. Unser Team ist für Sie da: 0800 426 37 48.</p>`,
	} {
		if r := analyzeString(t, a, page); r.Promotional || r.Voice != VoiceReporting {
			t.Errorf("%s insurer: promotional %v, voice %s (score %.3f, features %+v)", name, r.Promotional, r.Voice, r.Score, r.Features)
		}
	}
}

// Paid content in a magazine speaks for the clinic that paid for it, even
// when it puts every claim in the clinic's or its patients' mouths.
func TestAdvertorialSpeaksForTheClinic(t *testing.T) {
	a := analyzer(t)
	page := `<p>PAID CONTENT · Presented by Isthmus Regenerative Center</p>` +
		`<h1>How one clinic is rewriting the story of multiple sclerosis</h1>` +
		`<p>"I got my life back," says Laura, two years after her treatment in Panama.</p>` +
		`<p>Medical director Dr. Pinzón says the cells repair the nervous system with no side effects.</p>` +
		`<p>According to the center, 73% of patients improved after twelve months.</p>` +
		`<p>The program starts at US$ 24,900. Request your free evaluation.</p>` +
		`<p>This article was produced by the Partner Studio on behalf of Isthmus Regenerative Center.</p>`
	if r := analyzeString(t, a, page); !r.Promotional || r.Voice != VoiceProvider {
		t.Errorf("advertorial: promotional %v, voice %s (score %.3f, features %+v)", r.Promotional, r.Voice, r.Score, r.Features)
	}
	// News about advertorials names them without being one.
	news := `<h1>Stem cell clinics buy advertorials in local papers</h1>` +
		`<p>Several clinics placed advertorials in regional newspapers, paid content made to look like news.</p>` +
		`<p>One advertorial claimed stem cells cure multiple sclerosis with no side effects.</p>` +
		`<p>A complaint written by lawyers on behalf of 40 patients was filed in March. The clinic says 90% of patients improve.</p>`
	if r := analyzeString(t, a, news); r.Promotional || r.Voice == VoiceProvider {
		t.Errorf("news on advertorials: promotional %v, voice %s (score %.3f, features %+v)", r.Promotional, r.Voice, r.Score, r.Features)
	}
}

// A patients' forum where a clinic's offer is questioned (no convincing
// studies, too good to be true) is not promotion, though its members
// speak in the first person.
func TestScepticalForumIsNoPromotion(t *testing.T) {
	a := analyzer(t)
	page := `<h1>Stammzellen in Istanbul gegen MS – hat jemand Erfahrung?</h1>` +
		`<p>Die Klinik verspricht, die Zellen reparieren das Myelin, sanft und ohne Nebenwirkungen, für jedes Stadium.</p>` +
		`<p>Ich habe ein Angebot bekommen: 150 Millionen Zellen, Hotel und Transfer inklusive, 14.500 Euro. Klingt fast zu gut, um wahr zu sein.</p>` +
		`<p>Für mich war die Klinik in Kiew damals nichts. Wir haben viel Geld bezahlt, danach war alles wie vorher.</p>` +
		`<p>Für einen Nutzen bei MS gibt es bisher keine überzeugenden kontrollierten Studien. Belege haben sie mir keine geschickt.</p>` +
		`<p>„85 % berichten von Verbesserung“ ist eine Umfrage, keine Studie. Der Placeboeffekt ist bei MS groß.</p>`
	if r := analyzeString(t, a, page); r.Promotional {
		t.Errorf("sceptical forum: promotional, voice %s (score %.3f, features %+v)", r.Voice, r.Score, r.Features)
	}
}

// A cookie notice the extraction's classes missed speaks for the website:
// its "nous utilisons" is no provider's first person.
func TestCookieNoticeSaysNothing(t *testing.T) {
	a := analyzer(t)
	r := analyzeString(t, a, `<div class="bandeau"><p>Nous utilisons des cookies pour mesurer l'audience de notre site et de nos services.</p></div>`+
		`<p>Une clinique de Prague propose des vaccins dendritiques présentés comme « sans effets secondaires ».</p>`)
	for _, f := range r.Features {
		if f.Name == "first_person" && f.Value != 0 {
			t.Errorf("first_person = %v from a cookie notice", f.Value)
		}
	}
	if len(r.Claims) != 1 || r.Claims[0].Category != "safety" {
		t.Errorf("claims %+v, want the one safety claim", r.Claims)
	}
}

// Warnings written in the first person, by an oncologist, a patients'
// association or a patient, quote the sellers' claims to condemn them:
// lies, figures without a control group, hope sold, harm done.
func TestFirstPersonWarningsAreNoPromotion(t *testing.T) {
	a := analyzer(t)
	for name, page := range map[string]string{
		"oncologist's letter": `<h1>Elle avait 44 ans, et on lui a vendu des cellules</h1>` +
			`<p>J'écris ce billet parce que je n'arrive pas à dormir. Nous l'avons traitée, nous avons gagné quelques mois.</p>` +
			`<p>Elle m'a lu le site : « une alternative naturelle à la chimiothérapie, sans effets secondaires ». Elle a payé 19 000 euros.</p>` +
			`<p>Ces informations étaient des mensonges. Ils affichent des taux de réussite sortis de nulle part, sans groupe témoin.</p>` +
			`<p>Quand elle est revenue, le cancer était dans le foie. Elle est morte la semaine dernière.</p>`,
		"association": `<h1>Cellules souches à l'étranger : ce que nous voulons que vous sachiez</h1>` +
			`<p>Notre ligne d'écoute reçoit des devis. On y lit que les cellules « réparent la myéline », que « 85 % des patients » vont mieux.</p>` +
			`<p>Aucun de ces documents ne cite d'étude publiée. Méningites et septicémies ont été décrites après ces injections.</p>` +
			`<p>N'arrêtez jamais votre traitement de fond sans l'accord de votre neurologue. Nous sommes là pour vous aider.</p>`,
		"oncologist's blog": `<h1>Why I can't tell you the dendritic cell clinic is a good idea</h1>` +
			`<p>Last week a patient brought me a brochure. I'm going to quote it: "Our vaccine trains your own immune system to destroy cancer cells, with no side effects. Response rate: 78%."</p>` +
			`<p>In my clinic I see this every week. The idea has been tested for three decades, but it has mostly not worked in solid tumours.</p>` +
			`<p>There is no dendritic cell vaccine approved for colon cancer. We do not have good evidence that it helps.</p>` +
			`<p>Treatment packages from €34,000, the brochure says.</p>`,
		"patient's testimony": `<h1>"I paid to go blind"</h1>` +
			`<p>They told me: "Your own stem cells will help the retina heal, with really no risk." It cost £9,800, plus flights.</p>` +
			`<p>"Your own cells" does not mean safe. Real research studies do not ask you to pay.</p>` +
			`<p>If a clinic treats both eyes on the same day, walk away. Read our guide to treatments offered abroad.</p>` +
			`<p>There is currently no approved stem cell treatment for dry macular degeneration.</p>`,
		"patients' forum": `<h1>Dendritische Zellen bei Glioblastom – Erfahrungen?</h1>` +
			`<p>Eine Praxis bietet eine Impfung mit dendritischen Zellen an, hergestellt aus seinem Tumorgewebe. Kosten ca. 22.000 €.</p>` +
			`<p>Ich habe die DC-Impfung gemacht und lebe noch. Ich empfehle die Klinik in Köln, die haben super Erfolge.</p>` +
			`<p>Die Kurven, die solche Praxen zeigen, sind nicht aussagekräftig.</p>` +
			`<p>Hinweis: Werbung ist im Forum untersagt.</p>`,
		"oncologist quoting the brochures": `<h1>Vaccins dendritiques : ce que je dis à mes patients</h1>` +
			`<p>Mes patients m'apportent des brochures : « 80 % de réponse », « sans effets secondaires », « adapté à tous les cancers ».</p>` +
			`<p>Je vois chaque mois une patiente qui a payé 20 000 euros pour « un vaccin issu du prix Nobel ».</p>` +
			`<p>Aucune étude publiée ne montre ce bénéfice.</p><p>Un chiffre sans groupe de comparaison ne veut rien dire.</p>` +
			`<p>Je propose à mes patients de regarder ensemble les essais cliniques.</p>`,
		"solicitors' blog": `<h1>Suing a private stem cell clinic</h1>` +
			`<p>Our firm has issued proceedings for a client who paid £8,000 for injections the clinic called "virtually risk-free".</p>` +
			`<p>Clinical negligence: was the procedure performed to the standard of a competent practitioner?</p>` +
			`<p>Misrepresentation: a false statement of fact that induced the contract may give a remedy.</p>` +
			`<p>Please contact us for an initial discussion.</p>`,
		"patient's blog": `<h1>I spent $21,000 on stem cells for my MS</h1>` +
			`<p>The clinic promised that "most MS patients see improvement in fatigue and mobility", and sent me a PDF: 78% of patients improved.</p>` +
			`<p>The 78% came from the clinic's own survey. What I bought was a drip of donor cells with no published trial behind it.</p>` +
			`<p>The infusions were painless and the staff were lovely. On day four I walked further than I had in months.</p>` +
			`<p>Six weeks later my walking was where it had been.</p>`,
		"surgeon's blog": `<h1>Why I don't offer stem cell knee injections</h1>` +
			`<p>In my clinic patients show me printouts. One clinic sells "same-day SVF, your own cells, no surgery" at six thousand euros a knee.</p>` +
			`<p>The marketing leans on the word natural. I haven't seen convincing evidence that these injections rebuild cartilage.</p>` +
			`<p>What I actually offer is physiotherapy, and surgery when the time is right. My patients come back a year later: a failure of honesty in the advertising.</p>` +
			`<p>I have no financial interests in any injection therapy.</p>`,
		"patient's interview": `<h1>„Sie verkaufen eine Hoffnung“</h1><p>Interview: Jonas Rehberg</p>` +
			`<p>Wie lief das erste Gespräch ab? Der Arzt hat mir erklärt, die Zellen seien eine körpereigene Waffe gegen den Krebs, ohne Nebenwirkungen.</p>` +
			`<p>Ich habe 38.000 Euro bezahlt. Ich glaube nicht, dass dort alle lügen. Aber sie verkaufen eine Hoffnung, die sie nicht belegen können.</p>` +
			`<p>Fragt nach veröffentlichten Studien. Erfolgsquoten ohne Quelle sind nichts wert.</p>`,
	} {
		if r := analyzeString(t, a, page); r.Promotional {
			t.Errorf("%s: promotional, voice %s (score %.3f, features %+v)", name, r.Voice, r.Score, r.Features)
		}
	}
}

// "Every patient" is universality when the treatment suits them all, not
// when a clinic follows every patient or makes each vaccine for each one.
func TestEveryPatientNeedsABenefit(t *testing.T) {
	a := analyzer(t)
	for page, want := range map[string]bool{
		`<p>We follow every patient for at least 12 months.</p>`:                                  false,
		`<p>Die Vakzine wird für jeden Patienten individuell hergestellt.</p>`:                    false,
		`<p>Eingeschlossen wurden alle Patienten mit fortgeschrittenem Tumor.</p>`:                false,
		`<p>Every patient can benefit from our stem cell programme.</p>`:                          true,
		`<p>Alle Patienten profitieren von der Behandlung, unabhängig vom Befund.</p>`:            true,
		`<p>Tous les patients peuvent bénéficier de notre protocole, quel que soit leur âge.</p>`: true,
	} {
		r := analyzeString(t, a, page)
		if got := stanceOf(r, "universality") != "none"; got != want {
			t.Errorf("%s: universality %v, want %v (claims %+v)", page, got, want, r.Claims)
		}
	}
}

// Promoters who quote their doctor, name the regulator or let critics
// reply are still promoters: a webinar page making its own claims, a
// founder's sponsored interview whose facility is "FDA-registered", an
// influencer's thread with a code for followers.
func TestPromotersWhoQuoteOrCiteRegulators(t *testing.T) {
	a := analyzer(t)
	for name, page := range map[string]string{
		"webinar": `<h1>Webinaire gratuit : réveillez votre immunité</h1>` +
			`<p>Découvrez comment les cellules dendritiques détruisent les cellules cancéreuses.</p>` +
			`<p>« Votre corps possède déjà l'arme la plus puissante contre le cancer », explique le Dr Castagnet.</p>` +
			`<p>Une immunothérapie 100 % naturelle, sans chute de cheveux ni nausées.</p>` +
			`<p>Cette approche fonctionne sur tous les cancers solides et à tous les stades.</p>` +
			`<p>Vos cellules sont prélevées puis cultivées une semaine en laboratoire.</p>` +
			`<p>« Les résultats sont spectaculaires, même chez les patients métastatiques », affirme le Dr Castagnet.</p>` +
			`<p>Pas de chimiothérapie toxique : une voie alternative, douce et sûre.</p>` +
			`<p>« J'ai pris rendez-vous dès le lendemain », raconte Gérard. Je réserve ma place gratuite.</p>`,
		"sponsored interview": `<p>PARTNER CONTENT · Presented by Exorva Biologics</p>` +
			`<p>Where do the exosomes come from? From mesenchymal stem cells, cultured in bioreactors.</p>` +
			`<p>It is gentle: the side-effect profile is remarkably clean, and the skin rebuilds faster.</p>` +
			`<p>Our facility is FDA-registered and ISO-certified, and the FDA inspected it last year.</p>` +
			`<p>Critics say the regulatory picture is unclear; regulators are catching up. Vials from $900.</p>`,
		"influencer thread": `<p>1/ Six months ago I flew to Roatán for follistatin gene therapy. My muscle mass rose by 12 %.</p>` +
			`<p>2/ "Is it safe?" The vector is the same family used in FDA-approved gene therapies.</p>` +
			`<p>3/ I partnered with them so my followers get a better deal: code GENE2K, $2,000 off. DM me.</p>` +
			`<p>Reply: Follistatin gene therapy is not approved by any regulator. A nurse saw an abscess after such an injection.</p>`,
	} {
		if r := analyzeString(t, a, page); !r.Promotional {
			t.Errorf("%s: not promotional, voice %s (score %.3f, features %+v)", name, r.Voice, r.Score, r.Features)
		}
	}
}

// Who speaks is told by what "we" do, not by "we" alone: a family's story
// ("nous avons vidé notre épargne"), a forum's rules against advertising
// and a hospital saying what it does not offer speak for no provider.
func TestNarratorsAndDenialsSpeakForNoProvider(t *testing.T) {
	a := analyzer(t)
	for name, page := range map[string]string{
		"family's story": `<h1>« Ils nous ont vendu un espoir »</h1>` +
			`<p>Nous avons lu leur brochure : « un vaccin issu du prix Nobel, sans effets secondaires, une vraie alternative à la chimiothérapie ». Le devis était de 21 000 euros.</p>` +
			`<p>Nous avons vidé notre épargne. Nous avons pris l'avion pour Francfort trois fois.</p>` +
			`<p>Nous avons appris en mars que la tumeur avait doublé. Nous sommes rentrés sans rien.</p>` +
			`<p>Mon mari est mort en juin. Nous avons voulu que son histoire soit publiée.</p>`,
		"a doctor's opinion": `<p>Je crois que ces injections ne sont pas une bonne idée pour votre genou.</p>` +
			`<p>Une clinique propose « des cellules souches qui régénèrent le cartilage » pour 4 000 euros.</p>` +
			`<p>Je conseille d'attendre les résultats des essais.</p>`,
		"forum quoting the backing": `<h1>Stammzellen in Istanbul?</h1>` +
			`<p>Die Klinik verspricht „90 % Erfolg, ganz ohne OP“, Paket für 4.200 € mit Rabattcode.</p>` +
			`<p>Ich sehe solche Patienten in meiner Praxis.</p>` +
			`<p>Was mich stutzig macht: Auf der Seite steht „vom Gesundheitsministerium zugelassen“.</p>` +
			`<p>Das ist unseriös, fragt nach veröffentlichten Studien.</p>`,
		"forum's rules": `<h1>Stammzellen fürs Knie – hat jemand Erfahrungen?</h1>` +
			`<p>Die Klinik verspricht „90 % weniger Schmerzen, ganz ohne OP“ und ein Paket für 4.200 €.</p>` +
			`<p>Ich würde vorsichtig sein, das klingt zu gut.</p>` +
			`<p>Forenregeln: Werbung für Kliniken und Rabattcodes ist nicht erlaubt.</p>` +
			`<p>Links zu Angeboten mit Gutscheincode werden nicht geduldet.</p>`,
	} {
		if r := analyzeString(t, a, page); r.Promotional {
			t.Errorf("%s: promotional, voice %s (score %.3f, features %+v)", name, r.Voice, r.Score, r.Features)
		}
	}
	// What a provider did is still its voice.
	clinic := `<h1>Cellules souches</h1><p>Nous avons traité plus de 2 000 patients venus de toute l'Europe.</p>` +
		`<p>Les cellules souches régénèrent le cartilage, sans effets secondaires. Séjour à partir de 6 900 euros.</p>`
	if r := analyzeString(t, a, clinic); !r.Promotional || r.Voice != VoiceProvider {
		t.Errorf("clinic: promotional %v, voice %s (score %.3f, features %+v)", r.Promotional, r.Voice, r.Score, r.Features)
	}
}

// A seller's disclosures do not make a report: a press release's legal
// notice denies approval twice in one sentence (one statement), and a price
// list says what insurers do not pay.
func TestSellersDisclosuresStayPromotional(t *testing.T) {
	a := analyzer(t)
	for name, page := range map[string]string{
		"press release": `<p>BOSTON, May 2, 2025 — Longevex Inc. today announced results of its follistatin gene therapy: muscle strength improved by 24% at six months.</p>` +
			`<p>Patients are treated at partner clinics abroad. Enrolment is open: contact our patient team.</p>` +
			`<p>LGX-2 has not been approved by the FDA, is not authorised by the EMA, and no regulator has reviewed it.</p>` +
			`<p>Results from an open-label programme without a control group may not predict future results.</p>` +
			`<p>Media contact: press@longevex.example</p>`,
		"French press release": `<p>Genève, le 3 mai 2025 – Oncellia a présenté les résultats de sa cohorte de 212 patients : un taux de contrôle de la maladie de 71 %.</p>` +
			`<p>Dans cette cohorte, le vaccin dendritique a été bien toléré. Contact patients : demander une évaluation de dossier.</p>` +
			`<p>Contacts presse : presse@oncellia.example</p>` +
			`<p>Oncellia exploite sa propre unité de production cellulaire.</p>` +
			`<p>Déclarations prospectives : les résultats proviennent d'une cohorte observationnelle non randomisée.</p>`,
		"a biobank's press release": `<p>Paris, le 14 mai 2025 – La biobanque CordoVie ouvre la conservation des cellules souches du cordon aux parents français.</p>` +
			`<p>« Nous avons voulu offrir un parcours simple jusqu'à notre laboratoire », explique sa directrice.</p>` +
			`<p>« Si un jour notre fille en a besoin, ses propres cellules l'attendent, c'est la chose la plus naturelle qui soit », raconte Julie.</p>` +
			`<p>Les cellules souches du cordon réparent le cartilage et le cœur.</p>` +
			`<p>Laboratoire accrédité ISO 9001 et certifié par les autorités sanitaires.</p>` +
			`<p>Les futurs parents peuvent demander leur kit gratuitement ou par téléphone au 09 70 19 44 82.</p>`,
		"price list": `<h1>Dendritische Zelltherapie</h1>` +
			`<p>Die Impfung mit dendritischen Zellen aktiviert das körpereigene Immunsystem gegen den Tumor und ist gut verträglich.</p>` +
			`<p>Die Zellen werden in unserem Labor kultiviert und gereift.</p>` +
			`<p>Krankheitskontrolle nach 6 Monaten: 71 % (retrospektive Auswertung ohne Kontrollgruppe).</p>` +
			`<p>Impfzyklus ca. 14.800 €. Die Kosten werden von gesetzlichen Krankenkassen nicht übernommen.</p>` +
			`<p>Termin vereinbaren</p>`,
	} {
		if r := analyzeString(t, a, page); !r.Promotional {
			t.Errorf("%s: not promotional, voice %s (score %.3f, features %+v)", name, r.Voice, r.Score, r.Features)
		}
	}
}

// Standard care put off, spared, or found wanting is the alternative claim
// (R.5122-4 2°), however it is said.
func TestStandardCareDeferredIsAlternative(t *testing.T) {
	a := analyzer(t)
	for _, page := range []string{
		`<p>Notre centre propose les injections. Chez la plupart de nos patients, la prothèse a pu être repoussée de plusieurs années.</p>`,
		`<p>We offer SVF injections. Another knee saved from replacement!</p>`,
		`<p>We offer stem cell infusions for progressive MS, where conventional medicine has little to offer.</p>`,
		`<p>Unsere Praxis bietet Exosomen an: Zellbotenstoffe statt Skalpell und Filler.</p>`,
	} {
		if got := stanceOf(analyzeString(t, a, page), "alternative"); got != Promotional {
			t.Errorf("%s: alternative %s, want promotional", page, got)
		}
	}
}

// A hospital's care pathway is no offer to the public: its patients are
// referred by their doctors.
func TestReferralIsNoOffer(t *testing.T) {
	a := analyzer(t)
	for page, want := range map[string]string{
		`<p>Notre service administre Kymriah. Les demandes d'avis doivent être adressées par votre hématologue référent.</p>`: "none",
		`<p>We give Luxturna. Patients cannot self-refer, but you can ask your eye doctor to contact us.</p>`:                 "none",
		`<p>Wir behandeln mit Holoclar. Eine Vorstellung ist nur mit Überweisung möglich, rufen Sie uns an.</p>`:              "none",
		`<p>Cette clinique injecte des cellules souches. Parlez-en avec votre chirurgien et demandez un second avis.</p>`:     "none",
		`<p>We offer stem cell injections. Contact us today for a free consultation.</p>`:                                     Promotional,
	} {
		if got := stanceOf(analyzeString(t, a, page), "offer"); got != want {
			t.Errorf("%s: offer %s, want %s", page, got, want)
		}
	}
}

// An offer told in a story is not the page's: a nurse who was offered a
// consultation, in her own first person, speaks for no clinic.
func TestOffersInAStoryAreNotThePages(t *testing.T) {
	a := analyzer(t)
	page := `<h1>What the stem cell clinic told me</h1>` +
		`<p>In my practice as a nurse I have seen many brochures.</p>` +
		`<p>Their site says the infusions "repair myelin" and "85% of patients improve".</p>` +
		`<p>They offered me a free video consultation with a "patient advocate".</p>`
	if r := analyzeString(t, a, page); r.Voice == VoiceProvider {
		t.Errorf("nurse's story: voice %s (features %+v)", r.Voice, r.Features)
	}
	quote := `<h1>What the stem cell clinic told me</h1>` +
		`<p>In my practice as a nurse I have seen many brochures.</p>` +
		`<p>Their site says the infusions "repair myelin" and "85% of patients improve".</p>` +
		`<p>Last month a patient showed me a quote of $14,900 for the infusions.</p>`
	if r := analyzeString(t, a, quote); r.Voice == VoiceProvider {
		t.Errorf("nurse's story with a quote: voice %s (features %+v)", r.Voice, r.Features)
	}
	// Some other seller, named with an indefinite article, and a price
	// in the past tense: an insurer's member tells what was asked and paid.
	parent := `<h1>Cellules souches pour l'autisme : notre expérience</h1><p>C'est 16 500 € le séjour.</p>` +
		`<p>Ils nous ont proposé une « cure de rappel » à 9 800 €.</p>`
	if r := analyzeString(t, a, parent); r.Voice == VoiceProvider {
		t.Errorf("parent told of a booster cure: voice %s (features %+v)", r.Voice, r.Features)
	}
	insurer := `<h1>Zahlt die Kasse Stammzellen im Ausland?</h1><p>Liebe Versicherte, wir erstatten nur Leistungen des Leistungskatalogs.</p>` +
		`<p>Übernehmen wir die Kosten einer Stammzellbehandlung? Nein.</p><p>Erstatten wir Behandlungen im Ausland? Nur im Leistungskatalog.</p>` +
		`<p>Eine Klinik in Belgrad bietet Stammzellen aus Eigenfett an, 6.400 € für beide Knie.</p>`
	if r := analyzeString(t, a, insurer); r.Voice != VoiceReporting {
		t.Errorf("insurer quoting a clinic's price: voice %s, want %s", r.Voice, VoiceReporting)
	}
	hospital := `<p>Unser Zentrum behandelt mit Kymriah, Yescarta und Breyanzi. Unsere Ärzte beraten Sie gern.</p>` +
		`<p>Unser Team begleitet Sie. Eine Familie erzählte uns, die CAR-T-Behandlung im Ausland kostete 95.000 €.</p>`
	if r := analyzeString(t, a, hospital); r.Promotional {
		t.Errorf("hospital telling a price paid abroad: promotional (voice %s, features %+v)", r.Voice, r.Features)
	}
}

// A fundraiser relays what the clinic told the family ("la clinique nous a
// indiqué que…"), as a report does, but its tally says it raises the money
// to buy the treatment: it speaks for it. A news report that gives the
// tally in its own sentence does not.
func TestFundraiserSpeaksForTheTreatment(t *testing.T) {
	a := analyzer(t)
	body := `<p>Après des mois de recherches, nous avons trouvé une clinique en Autriche qui propose des cellules NK activées.</p>` +
		`<p>La clinique nous a indiqué que 70 % de ses patients voient leur tumeur reculer. Des familles nous ont raconté que leur proche avait gagné des années.</p>` +
		`<p>Devis du protocole complet : 31 000 €. Trajets et hébergement : 2 800 €.</p>`
	for page, want := range map[string]bool{
		body + `<p>18 420 € collectés sur 33 800 €</p><p>Je participe</p>`:                                              true,
		body + `<p>$18,420 raised of $33,800 goal</p>`:                                                                  true,
		body + `<p>Selon la page, 18 420 € collectés sur 33 800 € en trois semaines, un record pour la plateforme.</p>`: false,
	} {
		r := analyzeString(t, a, page)
		if got := r.Voice == VoiceProvider; got != want {
			t.Errorf("%.60s…: voice %s, provider %v, want %v", page[len(body):], r.Voice, got, want)
		}
	}
}

// An advertorial writes like a journalist ("according to its director",
// "the clinic reports") and carries its small print ("not approved by the
// FDA"), but says it is paid for and takes bookings: it speaks for its
// sponsor. News and fact checks that speak of "a sponsored post" do not,
// nor does a page that denies any partnership.
func TestAdvertorialsSpeakForTheirSponsor(t *testing.T) {
	a := analyzer(t)
	body := `<p>We spent two weeks reviewing the clinic. According to its medical director, the cells "help the nervous system repair itself".</p>` +
		`<p>The clinic reports no serious complications in 2,000 treatments; 78% of patients reported improvement.</p>` +
		`<p>The seven-day protocol costs US $21,500. Book your free MRI review with the clinic today.</p>` +
		`<p>Stem cell therapy for MS is not approved by the FDA. There is no evidence from controlled trials yet.</p>`
	for page, want := range map[string]string{
		`<p>SPONSORED · Paid for by Clínica Renova, Guadalajara</p>` + body:               VoiceProvider,
		`<p>This article is sponsored content.</p>` + body:                                VoiceProvider,
		`<p>Anzeige · Ein Beitrag unseres Partners Siam Vision Clinic</p>` + body:         VoiceProvider,
		`<p>Anzeige · Sonderveröffentlichung</p>` + body:                                  VoiceProvider,
		`<p>Cet article a été réalisé en partenariat avec la Maison Capillis.</p>` + body: VoiceProvider,
		body: "",
		`<p>A sponsored post by the clinic claims the cells repair myelin.</p>` + body:                      "",
		`<p>Parlons Santé est un podcast indépendant, sans publicité ni partenariat commercial.</p>` + body: "",
		`<p>Sponsored content is never accepted on this site.</p>` + body:                                   "",
		`<p>The video was a sponsored post from the clinic.</p>` + body:                                     "",
		`<p>Sponsored posts like this one claim the cells repair myelin.</p>` + body:                        "",
	} {
		// "": anything but the provider's voice.
		if r := analyzeString(t, a, page); r.Voice != want && (want != "" || r.Voice == VoiceProvider) {
			t.Errorf("%.60s…: voice %s, want %q", page, r.Voice, want)
		}
	}
	// A fact check about a paid post warns throughout.
	check := `<p>Paid partnership labels are often overlooked by viewers.</p>` + body +
		`<p>There is no evidence that these injections work. Regulators have warned against such clinics. No trial supports the claims.</p>`
	if r := analyzeString(t, a, check); r.Voice == VoiceProvider {
		t.Errorf("fact check: voice %s (features %+v)", r.Voice, r.Features)
	}
}

// A block whose own words decide its language is matched against that
// language's rules; a short one (a list item, a testimonial's line) may be
// in another language than the page's, and all rules read it.
func TestShortBlocksInAnotherLanguageAreMatched(t *testing.T) {
	a := analyzer(t)
	r := analyzeString(t, a, `<html lang="de"><body><p>Unsere Klinik in Konstanz bietet seit vielen Jahren eine Behandlung mit Ihren eigenen Zellen an, die wir in unserem Labor vorbereiten.</p>`+
		`<ul><li>Pour nos patients venant de France</li></ul></body></html>`)
	var rules []string
	for _, c := range r.Claims {
		rules = append(rules, c.Rule)
	}
	if !slices.Contains(rules, "fr.travel.abroad") {
		t.Errorf("the French list item on a German page: rules %v, want fr.travel.abroad among them", rules)
	}
}

// A page found promotional that speaks in no one's voice in particular (no
// "nous", its patients quoted) makes the claims it quotes its own: its
// patients' words are its testimonials (R.5122-4 12°).
func TestPromotionalPageOwnsTheTestimonialsItQuotes(t *testing.T) {
	a := analyzer(t)
	r := analyzeString(t, a, `<html lang="fr"><body><h1>Institut Capillaire Lumière : les exosomes contre la chute de cheveux</h1>
<p>Les exosomes réactivent les follicules endormis et stoppent la chute en quelques semaines.</p>
<p>« Mes cheveux ont repoussé en trois mois, je revis », confie Claire, 41 ans, de Nantes.</p>
<p>Tarif : 390 € la séance. Prenez rendez-vous au 01 84 60 27 19.</p></body></html>`)
	if !r.Promotional {
		t.Fatalf("not promotional (score %v)", r.Score)
	}
	for _, f := range r.Features {
		if f.Name == "voice_provider" && f.Value != 0 {
			t.Fatalf("the page already spoke as a provider: the test needs a neutral voice")
		}
	}
	if got := stanceOf(r, "testimonial"); got != Promotional {
		t.Errorf("testimonial %s, want promotional", got)
	}
	// The same quote on a page that promotes nothing stays reported.
	r = analyzeString(t, a, `<html lang="fr"><body><h1>Chute de cheveux : ce que disent les patients</h1>
<p>« Mes cheveux ont repoussé en trois mois, je revis », confie Claire, 41 ans, de Nantes.</p>
<p>Le dermatologue rappelle qu'aucune étude contrôlée n'a évalué ces soins.</p></body></html>`)
	if got := stanceOf(r, "testimonial"); r.Promotional || got != Reported {
		t.Errorf("report: promotional %v, testimonial %s, want reported", r.Promotional, got)
	}
}

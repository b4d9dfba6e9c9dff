// Package crawltest serves small fixture websites for tests of crawling and
// scanning, like net/http/httptest serves handlers.
package crawltest

import (
	"fmt"
	"net/http"
)

const page = `<!doctype html><html lang="%s"><head><meta charset="utf-8"><title>%s</title>%s</head><body>
<nav><a href="/">Start</a></nav><main>%s</main></body></html>`

// MultilingualClinic is a fictional clinic whose entry page is German and
// whose French version is declared only by hreflang. Its French pages
// promote an unauthorised dendritic cell vaccine: safety, universality,
// price, booking, remote consultation and the manufacturing process.
func MultilingualClinic() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, page, "de", "Klinik", `<link rel="alternate" hreflang="fr" href="/fr/accueil">`,
			`<p>Willkommen in unserer Klinik. Wir sind für Sie da und beraten Sie gerne, wenn Sie Fragen haben.</p>`)
	})
	mux.HandleFunc("/fr/accueil", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, page, "fr", "Accueil", `<link rel="alternate" hreflang="de" href="/">`,
			`<p>Notre clinique propose un vaccin à cellules dendritiques sans effets secondaires. Notre traitement est efficace contre tous les cancers.</p>
			<p><a href="/fr/tarifs">Nos tarifs</a></p>`)
	})
	mux.HandleFunc("/fr/tarifs", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, page, "fr", "Tarifs", "",
			`<p>Notre vaccin à cellules dendritiques coûte 9 800 € par cycle. Réservez votre consultation par vidéo avec notre équipe.</p>
			<p>Vos monocytes sont cultivés dans notre laboratoire puis différenciés en cellules dendritiques.</p>`)
	})
	return mux
}

// Package crawl fetches a site within its scope (its registrable domain and
// its language versions), politely and within bounds, and hands every
// exchange, byte for byte, to the evidence archive before anything reads it.
// It sits above extract and evidence: it uses extract for links, and gives
// each page's Document to its caller so nothing is parsed twice.
//
// The pipeline of one crawl, by stage:
//
//   - scope (scope.go): the registrable domain, plus declared language
//     versions and where the seed redirects;
//   - robots (robots.go): each origin's robots.txt is fetched and archived
//     before its first page; its groups, longest-match rules and Crawl-delay
//     apply unless Config.IgnoreRobots (which needs a reason, recorded);
//   - frontier (frontier.go, page.go): sitemaps, then French versions, then
//     images and documents, then other pages; bounded in size, depth,
//     redirect hops and crawler traps;
//   - exchange (exchange.go, fetch.go): one connection per exchange,
//     addresses checked after DNS, bytes recorded as they cross the wire,
//     bounded in time, header and body size and the crawl's byte budget;
//   - read (page.go, content.go, sitemap.go): bounded decompression, notes
//     on lying types and charsets, extract for pages, sitemaps parsed;
//   - cuts (cuts.go): what every bound left out, in Result.Cut.
package crawl

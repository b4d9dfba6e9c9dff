// Command crawlprof crawls a site the way `vigie scan` does, stopping at a
// chosen stage, and writes CPU and heap profiles: it tells where a scan's
// time and memory go (bench/README.md).
//
//	crawlprof -url URL [-stage crawl|archive|analyse] [-c 4] [-max-pages 2000] [-cpuprofile F] [-memprofile F] [-trace F]
//
// Stages, each including the ones before: crawl (fetch, parse links; the
// archive discards), archive (WARC files, synced, in a temporary
// directory), analyse (claims, qualification: scan.Scanner without a store).
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"sync/atomic"
	"time"

	"vigie/internal/claims"
	"vigie/internal/crawl"
	"vigie/internal/evidence"
	"vigie/internal/registry"
	"vigie/internal/scan"
)

func main() {
	url := flag.String("url", "", "site to crawl")
	stage := flag.String("stage", "analyse", "crawl, archive or analyse")
	conc := flag.Int("c", 4, "concurrency")
	maxPages := flag.Int("max-pages", 2000, "pages at most")
	cpu := flag.String("cpuprofile", "", "write a CPU profile to this file")
	mem := flag.String("memprofile", "", "write a heap profile to this file at the end")
	tr := flag.String("trace", "", "write an execution trace to this file (go tool trace -pprof=sync|net|syscall: where workers wait)")
	flag.Parse()
	if *url == "" {
		log.Fatal("crawlprof: -url is required")
	}
	cfg := crawl.Config{AllowPrivate: true, Rate: -1, MaxPages: *maxPages, Concurrency: *conc}
	dir, err := os.MkdirTemp("", "crawlprof")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if *cpu != "" {
		f, err := os.Create(*cpu)
		if err != nil {
			log.Fatal(err)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	if *tr != "" {
		f, err := os.Create(*tr)
		if err != nil {
			log.Fatal(err)
		}
		if err := trace.Start(f); err != nil {
			log.Fatal(err)
		}
		defer trace.Stop()
	}
	start := time.Now()
	var pages int64
	switch *stage {
	case "crawl", "archive":
		var arch crawl.Archive = discard{}
		var w *evidence.Writer
		if *stage == "archive" {
			if w, err = evidence.NewWriter(dir, evidence.Info{Software: "crawlprof"}); err != nil {
				log.Fatal(err)
			}
			arch = w
		}
		_, err = crawl.Crawl(context.Background(), *url, cfg, arch, func(p *crawl.Page) error {
			if p.Doc != nil {
				atomic.AddInt64(&pages, 1)
			}
			return nil
		})
		if w != nil {
			if cerr := w.Close(); err == nil {
				err = cerr
			}
		}
	case "analyse":
		var rules *claims.Rules
		var reg *registry.Registry
		if rules, err = claims.DefaultRules(); err != nil {
			log.Fatal(err)
		}
		if reg, err = registry.Default(); err != nil {
			log.Fatal(err)
		}
		sc := &scan.Scanner{Analyzer: &claims.Analyzer{Rules: rules, Registry: reg}, Registry: reg, DataDir: dir, Crawl: cfg}
		var rep *scan.SiteReport
		if rep, err = sc.Scan(context.Background(), *url); err == nil {
			pages = int64(len(rep.PageReports))
		}
	default:
		log.Fatalf("crawlprof: -stage %q: want crawl, archive or analyse", *stage)
	}
	if err != nil {
		log.Fatal(err)
	}
	elapsed := time.Since(start)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("%s: %d pages in %.2fs, %.1f pages/s; heap in use %d MB, obtained from the OS %d MB\n",
		*stage, pages, elapsed.Seconds(), float64(pages)/elapsed.Seconds(), ms.HeapInuse>>20, ms.HeapSys>>20)
	if *mem != "" {
		f, err := os.Create(*mem)
		if err != nil {
			log.Fatal(err)
		}
		defer f.Close()
		if err := pprof.WriteHeapProfile(f); err != nil {
			log.Fatal(err)
		}
	}
}

// discard is an archive that keeps nothing: the crawl stage alone.
type discard struct{}

func (discard) WriteExchange(evidence.Exchange) (evidence.Ref, error) {
	return evidence.Ref{RecordID: "urn:uuid:00000000-0000-0000-0000-000000000000"}, nil
}

#!/usr/bin/env bash
# Crawl benchmark: Vigie against wget on generated loopback sites, in the
# same run (bench/README.md says what it measures and how to read it).
#
#   bench/crawl.sh [RUNS]      RUNS defaults to 3; medians are printed
#
# Needs go, wget, jq and GNU time (/usr/bin/time: Debian package "time").
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:-3}
for tool in go wget jq /usr/bin/time; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "bench: $tool is missing (Debian: apt-get install golang wget jq time)" >&2
    exit 2
  fi
done

tmp=$(mktemp -d)
site_pid=""
cleanup() {
  if [ -n "$site_pid" ]; then kill "$site_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

go build -o "$tmp/vigie" ./cmd/vigie
go build -o "$tmp/sitegen" ./bench/sitegen
go build -o "$tmp/crawlprof" ./bench/crawlprof

# start_site PAGES LINKS: serve a generated site; sets $url.
start_site() {
  : > "$tmp/site.url"
  "$tmp/sitegen" -pages "$1" -links "$2" > "$tmp/site.url" &
  site_pid=$!
  for _ in $(seq 100); do
    if [ -s "$tmp/site.url" ]; then break; fi
    sleep 0.05
  done
  url=$(head -n 1 "$tmp/site.url")
}

stop_site() {
  kill "$site_pid" 2>/dev/null || true
  wait "$site_pid" 2>/dev/null || true
  site_pid=""
}

# seconds FILE: wall-clock time from GNU time -v output.
seconds() {
  awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, a, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + a[i]; print s }' "$1"
}

# rss_mb FILE: peak resident set size, in MB, from GNU time -v output.
rss_mb() {
  awk -F': ' '/Maximum resident set size/ { printf "%.0f\n", $2 / 1024 }' "$1"
}

# vigie_run MAX_PAGES: prints "pages seconds rss_mb". Pages are the HTML
# pages archived with status 200 (not the logo, nor robots.txt).
vigie_run() {
  rm -rf "$tmp/data"
  if ! /usr/bin/time -v -o "$tmp/vigie.time" "$tmp/vigie" scan --format json --allow-private --rate -1 \
    --max-pages "$1" --data "$tmp/data" "$url" > "$tmp/vigie.json" 2> "$tmp/vigie.err"; then
    echo "bench: vigie failed:" >&2
    cat "$tmp/vigie.err" >&2
    exit 1
  fi
  local pages
  pages=$(jq '[.sites[0].pages[] | select(.status == 200 and ((.content_type // "") | startswith("text/html")))] | length' "$tmp/vigie.json")
  echo "$pages $(seconds "$tmp/vigie.time") $(rss_mb "$tmp/vigie.time")"
}

# wget_run: prints "pages seconds rss_mb". Pages are / and /p/N (wget
# also fetches the logo). wget exits 8 when a response is an error
# (robots.txt is 404 here): its log says what it fetched.
wget_run() {
  rm -rf "$tmp/wget"
  mkdir -p "$tmp/wget"
  /usr/bin/time -v -o "$tmp/wget.time" wget --recursive --level=inf --no-verbose \
    --warc-file="$tmp/wget/site" --directory-prefix="$tmp/wget/files" --delete-after "$url" 2> "$tmp/wget.log" || true
  local pages
  pages=$(grep -cE ' URL:http://[^ ]*/(p/[0-9]+)? \[' "$tmp/wget.log" || true)
  echo "$pages $(seconds "$tmp/wget.time") $(rss_mb "$tmp/wget.time")"
}

# median V…: the middle value (the lower middle for an even count).
median() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

rate() { awk -v p="$1" -v s="$2" 'BEGIN { printf "%.1f", p / s }'; }

echo "bench: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg); $runs runs"

# 1. A site of 2,000 pages of 30–80 KB: Vigie (archiving, analysing,
# storing) against wget (archiving).
start_site 2000 20
v_pps=() w_pps=() ratios=() v_pages=() w_pages=() v_rss=() c_pps=() c_ratios=()
for i in $(seq "$runs"); do
  read -r vp vs vr < <(vigie_run 2000)
  read -r wp ws _ < <(wget_run)
  vpps=$(rate "$vp" "$vs")
  wpps=$(rate "$wp" "$ws")
  ratio=$(awk -v a="$vpps" -v b="$wpps" 'BEGIN { printf "%.2f", a / b }')
  # The crawl and the archive alone, what wget does: bench/crawlprof
  # -stage archive (crawl.Crawl into an evidence.Writer, no analysis, no
  # store), in the same run.
  cp=$("$tmp/crawlprof" -url "$url" -stage archive -max-pages 2000 | sed -n 's/.* pages in .*s, \([0-9.]*\) pages\/s.*/\1/p')
  cratio=$(awk -v a="$cp" -v b="$wpps" 'BEGIN { printf "%.2f", a / b }')
  echo "run $i: vigie $vp pages in ${vs}s ($vpps pages/s, peak RSS ${vr} MB); wget $wp pages in ${ws}s ($wpps pages/s); vigie/wget $ratio; crawl and archive alone $cp pages/s, /wget $cratio"
  v_pps+=("$vpps") w_pps+=("$wpps") ratios+=("$ratio") v_pages+=("$vp") w_pages+=("$wp") v_rss+=("$vr") c_pps+=("$cp") c_ratios+=("$cratio")
done
stop_site

# 2. Pages that link to 100,000 distinct URLs, the crawl capped at 2,000
# pages: the frontier fills up.
start_site 100000 50
f_pps=() f_pages=() f_rss=()
for i in $(seq "$runs"); do
  read -r fp fs fr < <(vigie_run 2000)
  fpps=$(rate "$fp" "$fs")
  echo "frontier run $i: vigie $fp pages in ${fs}s ($fpps pages/s, peak RSS ${fr} MB); $(jq -r '.sites[0].cut // [] | join("; ")' "$tmp/vigie.json")"
  f_pps+=("$fpps") f_pages+=("$fp") f_rss+=("$fr")
done
stop_site

echo
echo "2,000-page site, medians of $runs runs:"
echo "  vigie  $(median "${v_pps[@]}") pages/s, $(median "${v_pages[@]}") pages found, peak RSS $(median "${v_rss[@]}") MB (target ≤ 200 MB)"
echo "  wget   $(median "${w_pps[@]}") pages/s, $(median "${w_pages[@]}") pages found"
echo "  vigie/wget $(median "${ratios[@]}") (target ≥ 3)"
echo "  crawl and archive alone (no analysis, no store): $(median "${c_pps[@]}") pages/s, /wget $(median "${c_ratios[@]}")"
echo "100,000-URL frontier, max-pages 2000, medians of $runs runs:"
echo "  vigie  $(median "${f_pps[@]}") pages/s, $(median "${f_pages[@]}") pages, peak RSS $(median "${f_rss[@]}") MB (target ≤ 300 MB)"

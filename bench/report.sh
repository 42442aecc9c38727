#!/usr/bin/env bash
# report against DuckDB on one seeded archive, A B A B: wall time, CPU time and peak RSS of
# (a) java -jar receipts-demo.jar report --format json ARCHIVE
# (b) DuckDB (JDBC, in a JVM) running the SQL of docs/report-sql.md over the same file
# and their ratio; fails when any figure differs between (a) and (b).
#
#   bench/report.sh            1.5 M messages (about 2.55 M lines, 800 MB)
#   bench/report.sh --10m      10 M messages; report then runs with -Xmx1g
#
# Environment: BENCH_DIR (default target/report-bench) holds the archive, reused while its
# seed and size match; SEED (default 17); ROUNDS (default 2, each one A then B);
# DEMO_JAR (default receipts-demo/target/receipts-demo.jar: another build's jar, for an A/B of
# two trees against the same DuckDB run); SQL_DOC (default docs/report-sql.md); SKIP_BUILD=1
# (use the jars as they are).
set -euo pipefail
cd "$(dirname "$0")/.."

messages=1500000
heap=""
if [ "${1:-}" = "--10m" ]; then
  messages=10000000
  heap="-Xmx1g"
elif [ -n "${1:-}" ]; then
  echo "usage: bench/report.sh [--10m]" >&2
  exit 2
fi
seed=${SEED:-17}
rounds=${ROUNDS:-2}
dir=${BENCH_DIR:-target/report-bench}
mkdir -p "$dir"

if [ ! -x /usr/bin/time ]; then
  echo "== installing GNU time (for peak memory)"
  apt-get install -y -qq time >/dev/null || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
fi

if [ "${SKIP_BUILD:-}" != 1 ]; then
  echo "== building the demo jar and benchmarks.jar"
  mvn -B -ntp -q -o package -DskipTests -pl receipts-demo -am
  mvn -B -ntp -q -o -Pbench package -DskipTests -pl receipts-bench -am
fi
demo=${DEMO_JAR:-receipts-demo/target/receipts-demo.jar}
doc=${SQL_DOC:-docs/report-sql.md}
bench=receipts-bench/target/benchmarks.jar

archive="$dir/archive-$messages-$seed.jsonl"
if [ ! -s "$archive" ]; then
  echo "== generating $archive"
  java -Xmx3g -cp "$bench" dev.bmreceipts.bench.ArchiveGenerator \
    --messages "$messages" --seed "$seed" --out "$archive.tmp"
  mv "$archive.tmp" "$archive"
fi
echo "== archive: $(wc -l < "$archive") lines, $(( $(stat -c %s "$archive") >> 20 )) MiB"
cat "$archive" > /dev/null  # both sides start from the page cache

# runs "$@", stdout to $out; prints "wall_s rss_mib cpu_s"
measure() {
  local out=$1
  shift
  /usr/bin/time -f "%e %M %U %S" -o "$dir/time.txt" "$@" > "$out"
  awk '{ printf "%.2f %d %.2f\n", $1, $2 / 1024, $3 + $4 }' "$dir/time.txt"
}

printf '%-6s %-8s %9s %9s %10s\n' round side wall_s cpu_s peak_MiB
ratios=()
for r in $(seq 1 "$rounds"); do
  read -r aw am ac < <(measure "$dir/report-$r.json" java $heap -jar "$demo" report --format json --quiet "$archive")
  printf '%-6s %-8s %9s %9s %10s\n' "$r" report "$aw" "$ac" "$am"
  read -r bw bm bc < <(measure "$dir/duckdb-$r.txt" java -cp "$bench" dev.bmreceipts.bench.ReportSql run "$doc" "$archive")
  printf '%-6s %-8s %9s %9s %10s\n' "$r" duckdb "$bw" "$bc" "$bm"
  ratios+=("$(awk -v a="$aw" -v b="$bw" 'BEGIN { printf "%.2f", a / b }')")
  echo "       wall ratio report/duckdb: ${ratios[-1]} (cpu $(awk -v a="$ac" -v b="$bc" 'BEGIN { printf "%.2f", a / b }'), peak memory $(awk -v a="$am" -v b="$bm" 'BEGIN { printf "%.2f", a / b }'))"
done
echo "== load average now: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (shared machine: other jobs move wall times)"

status=0
for r in $(seq 1 "$rounds"); do
  java -cp "$bench" dev.bmreceipts.bench.ReportSql compare "$doc" \
    "$dir/report-$r.json" "$dir/duckdb-$r.txt" || status=1
done
echo "== wall ratios report/duckdb: ${ratios[*]} (target <= 1.0)"
exit $status

#!/usr/bin/env bash
# The webhook with the PostgreSQL store against a bare JDBC loop running the same statements at the
# same concurrency on the same database (dev.bmreceipts.bench.JdbcBench): payloads/s, p99, the
# median ratio webhook/bare (target 0.8) and statements (round trips) per payload.
#   bench/jdbc.sh                                   # 4 warm-up rounds, then 3 rounds of 8,000
#   bench/jdbc.sh --payloads 500 --rounds 1         # smoke run
# Options (passed to JdbcBench): --payloads N, --rounds N, --warmup N, --concurrency C.
# A throwaway PostgreSQL is started from the machine's binaries (as the postgres user when run as
# root) unless BM_BENCH_POSTGRES_URL names a database. SKIP_BUILD=1 skips the build.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  mvn -B -ntp -q -Pbench -pl receipts-bench -am package -DskipTests
fi
. bench/postgres.sh
trap postgres_stop EXIT
postgres_start
url=$pg_url
echo "== $(date -u +%FT%TZ) on $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -n 1)"
java -cp receipts-bench/target/benchmarks.jar dev.bmreceipts.bench.JdbcBench --url "$url" "$@"

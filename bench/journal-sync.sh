#!/usr/bin/env bash
# Journal append throughput, N writer threads on one file in DIR (default receipts-bench/target,
# i.e. the disk this checkout is on): serve --journal-sync's writer (group commit) against a bare
# loop of write + force per append (the same threads, the same line, no grouping), and against
# the plain --journal writer (no force), runs alternating the order.
#   bench/journal-sync.sh                                   # 1 warm-up round, then 3 rounds
#   bench/journal-sync.sh --writers 64 --millis 3000        # more writers, longer runs
#   bench/journal-sync.sh --rounds 1 --warmup 0 --millis 300 # smoke run
# Options (passed to dev.bmreceipts.bench.JournalSyncBench): --dir DIR, --writers N (16),
# --millis N per run (2000), --rounds N (3), --warmup N (1). SKIP_BUILD=1 skips the build.
# Exit 0 when every file held exactly the appends counted, each line whole; 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  mvn -B -ntp -q -Pbench -pl receipts-bench -am package -DskipTests
fi
dir=receipts-bench/target/journal-bench
for ((i = 1; i <= $#; i++)); do
  if [ "${!i}" = --dir ]; then j=$((i + 1)); dir=${!j}; fi
done
echo "== $(date -u +%FT%TZ) on $(nproc) cores, $(java -version 2>&1 | head -n 1)"
echo "   load average before: $(cut -d' ' -f1-3 /proc/loadavg); file system: $(df -PT "$(dirname "$dir")" | awk 'NR==2 {print $2 " on " $1}')"
exec java -cp receipts-bench/target/benchmarks.jar dev.bmreceipts.bench.JournalSyncBench --dir "$dir" "$@"

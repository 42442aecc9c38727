#!/usr/bin/env bash
# Sender throughput: 20,000 READ receipts per round against a loopback stand-in for the API,
# ours (ReceiptSender, 64 in flight) against a bare HttpClient.sendAsync loop held to 64 in flight,
# the same requests on clients with the same settings (HTTP/1.1), rounds alternating the order.
#   bench/sender.sh                                  # 2 warm-up rounds, then 3 rounds
#   bench/sender.sh --receipts 2000 --rounds 1 --warmup 1   # smoke run
# Options (passed to dev.bmreceipts.bench.SenderBench): --receipts N, --rounds N, --warmup N,
# --in-flight N, --server-threads N. SKIP_BUILD=1 skips the build.
# Exit 0 when every receipt got its 200 and the token was fetched exactly once; 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  mvn -B -ntp -q -Pbench -pl receipts-bench -am package -DskipTests
fi
echo "== $(date -u +%FT%TZ) on $(nproc) cores, $(java -version 2>&1 | head -n 1)"
exec java -cp receipts-bench/target/benchmarks.jar dev.bmreceipts.bench.SenderBench "$@"

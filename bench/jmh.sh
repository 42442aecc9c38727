#!/usr/bin/env bash
# Parser and signature benchmarks (JMH), then the ratios the targets are stated in.
#   bench/jmh.sh                      # every benchmark, default settings below
#   bench/jmh.sh Parser -p payload=receipts-10 -wi 1 -i 1 -w 1s -r 1s   # a quick smoke run
# Arguments go to JMH. An option given here replaces the default of the same name.
set -euo pipefail
cd "$(dirname "$0")/.."

defaults=(-f 1 -wi 3 -i 5 -w 2s -r 2s -prof gc)
jar=receipts-bench/target/benchmarks.jar
out=receipts-bench/target/jmh.json

mvn -B -ntp -q -Pbench -pl receipts-bench -am package -DskipTests

args=()
for ((i = 0; i < ${#defaults[@]}; i += 2)); do
  given=no
  for a in "$@"; do
    if [ "$a" = "${defaults[i]}" ]; then given=yes; fi
  done
  if [ "$given" = no ]; then args+=("${defaults[i]}" "${defaults[i + 1]}"); fi
done

echo "== $(date -u +%FT%TZ) on $(nproc) cores, $(java -version 2>&1 | head -n 1)"
java -jar "$jar" "${args[@]}" "$@" -rf json -rff "$out"
echo
java -cp "$jar" dev.bmreceipts.bench.JmhRatios "$out"

#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Runs examples/five-minutes.sh against the built jar and checks that it prints exactly the
# README block between "<!-- begin five-minutes.sh output -->" and "<!-- end ... -->", so
# that the README cannot drift from what the script does.
#
#   examples/check-readme.sh [JAR]            check (exit 1 with a diff when they differ)
#   examples/check-readme.sh --write [JAR]    rewrite the README block from a fresh run
#
# The script runs on free ports; the one thing forgiven is the port numbers, which are mapped
# back to the README's 8080 (serve) and 8181 (emulator). Everything else must match byte for
# byte. Run by the demo's WalkthroughIT in `mvn verify`.
set -euo pipefail
cd "$(dirname "$0")/.."

write=false
if [ "${1:-}" = "--write" ]; then
  write=true
  shift
fi
jar=${1:-receipts-demo/target/receipts-demo.jar}
readme=README.md
begin='<!-- begin five-minutes.sh output -->'
end='<!-- end five-minutes.sh output -->'

out=$(mktemp)
trap 'rm -f "$out" "$out".*' EXIT
SERVE_PORT=0 EMULATOR_PORT=0 bash examples/five-minutes.sh "$jar" > "$out.raw"

emulator_port=$(sed -n 's|^emulator at http://127\.0\.0\.1:\([0-9]*\)/;.*|\1|p' "$out.raw")
serve_port=$(sed -n 's|^serving http://127\.0\.0\.1:\([0-9]*\)/callback;.*|\1|p' "$out.raw")
if [ -z "$emulator_port" ] || [ -z "$serve_port" ]; then
  echo "check-readme.sh: no emulator or serve URL in the script's output:" >&2
  cat "$out.raw" >&2
  exit 1
fi
# the script's output as the README shows it: the fixed ports, in a fenced block
{
  echo '```text'
  sed -e "s|127\.0\.0\.1:$emulator_port\b|127.0.0.1:8181|g" \
      -e "s|127\.0\.0\.1:$serve_port\b|127.0.0.1:8080|g" \
      -e "s|^\(\$ java -jar \$J emulator --port\) 0 |\1 8181 |" \
      -e "s|^\(\$ java -jar \$J serve --port\) 0 |\1 8080 |" "$out.raw"
  echo '```'
} > "$out"

# the README's block, markers excluded
awk -v b="$begin" -v e="$end" '$0 == e { inside = 0 } inside { print } $0 == b { inside = 1 }' \
  "$readme" > "$out.readme"
if ! grep -qxF "$begin" "$readme" || ! grep -qxF "$end" "$readme"; then
  echo "check-readme.sh: $readme has no '$begin' ... '$end' block" >&2
  exit 1
fi

if $write; then
  awk -v b="$begin" -v e="$end" -v f="$out" '
    $0 == b { print; while ((getline l < f) > 0) print l; skip = 1; next }
    $0 == e { skip = 0 }
    !skip { print }' "$readme" > "$out.new"
  cat "$out.new" > "$readme"
  echo "check-readme.sh: $readme block rewritten from a fresh run"
  exit 0
fi

cat "$out"
if diff -u --label "$readme" --label "five-minutes.sh" "$out.readme" "$out" > "$out.diff"; then
  echo "check-readme.sh: the README's walkthrough block matches the script's output"
else
  echo "check-readme.sh: the README's walkthrough block differs from the script's output" \
    "(fix the script or run: examples/check-readme.sh --write):" >&2
  cat "$out.diff" >&2
  exit 1
fi

#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# The README's "Five minutes, offline" walkthrough, as a script: the emulator and serve on
# loopback, three signed payloads pushed through the emulator, an unsigned one, /metrics,
# send-read with a good and a bad token, and report on the journal serve wrote.
#
#   examples/five-minutes.sh [JAR]     JAR defaults to receipts-demo/target/receipts-demo.jar
#
# Builds nothing: run `mvn -B -ntp -q package -DskipTests` first. Ports: SERVE_PORT (default
# 8080) and EMULATOR_PORT (default 8181); 0 picks free ones. Needs bash, curl and java. Works in
# a temporary directory, and stops both JVMs and removes that directory however it ends.
# examples/check-readme.sh checks that this prints exactly what the README shows.
set -euo pipefail

jar=${1:-receipts-demo/target/receipts-demo.jar}
if [ ! -f "$jar" ]; then
  echo "five-minutes.sh: no jar at $jar; build it with: mvn -B -ntp -q package -DskipTests" >&2
  exit 2
fi
jar=$(cd "$(dirname "$jar")" && pwd)/$(basename "$jar")
for tool in curl java; do
  command -v "$tool" > /dev/null || { echo "five-minutes.sh: $tool not found on PATH" >&2; exit 2; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/five-minutes.XXXXXX")
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2> /dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2> /dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
cd "$work"

# Keys and tokens reach the JVMs through the environment, as a deployment would pass them: never
# on the command line, where the process list shows them.
export BM_SIGNING_KEY=dev-key BM_ACCESS_TOKEN=dev-token
# one run's requestIds: a file pushed twice is a redelivery, two files are two deliveries
run=$(date +%s)-$$

cat > message.json <<JSON
{"agent":"brands/b1/agents/a1","conversationId":"c1","requestId":"$run-1","message":{"name":"conversations/c1/messages/m1","messageId":"m1","text":"Hello","createTime":"2024-05-01T10:00:00Z"},"sendTime":"2024-05-01T10:00:00Z"}
JSON
cat > receipts.json <<JSON
{"agent":"brands/b1/agents/a1","conversationId":"c1","requestId":"$run-2","receipts":{"receipts":[{"message":"conversations/c1/messages/a1","receiptType":"DELIVERED"},{"message":"conversations/c1/messages/a2","receiptType":"DELIVERED"}],"createTime":"2024-05-01T10:00:05Z"},"sendTime":"2024-05-01T10:00:05Z"}
JSON
cat > read.json <<JSON
{"agent":"brands/b1/agents/a1","conversationId":"c1","requestId":"$run-3","receipts":{"receipts":[{"message":"conversations/c1/messages/a1","receiptType":"READ"}],"createTime":"2024-05-01T10:02:35Z"},"sendTime":"2024-05-01T10:02:35Z"}
JSON

# Prints "$ command" as the README shows it ($J for the jar), then runs it.
say() {
  echo "\$ $*"
}
J() {
  java -jar "$jar" "$@"
}
fail() {
  echo "five-minutes.sh: $*" >&2
  exit 1
}

# Starts a JVM in the background with its stdout in FILE and waits (at most 30 s) for its first
# line, which each command prints once it listens; sets $line to it. Not in a subshell, so that
# the cleanup knows the JVM.
start() {
  local file=$1
  shift
  java -jar "$jar" "$@" > "$file" 2> "$file.err" &
  local pid=$! i
  pids+=("$pid")
  for i in $(seq 1 300); do
    if [ "$(wc -l < "$file")" -ge 1 ]; then
      line=$(head -n 1 "$file")
      return
    fi
    kill -0 "$pid" 2> /dev/null || fail "$1 exited: $(cat "$file.err")"
    sleep 0.1
  done
  fail "$1 did not start within 30 s"
}

say "export BM_SIGNING_KEY=dev-key BM_ACCESS_TOKEN=dev-token"
say "java -jar \$J emulator --port ${EMULATOR_PORT:-8181} &"
start emulator.out emulator --port "${EMULATOR_PORT:-8181}"
echo "$line"
emulator=$(sed -n 's|^emulator at \(http://127\.0\.0\.1:[0-9]*/\);.*|\1|p' <<< "$line")
[ -n "$emulator" ] || fail "no emulator URL in: $line"

say "java -jar \$J serve --port ${SERVE_PORT:-8080} --journal receipts.jsonl --auto-read" \
  "--api-root $emulator &"
start serve.out serve --port "${SERVE_PORT:-8080}" --journal receipts.jsonl --auto-read \
  --api-root "$emulator"
webhook=$(sed -n 's|^serving \(http://127\.0\.0\.1:[0-9]*/callback\);.*|\1|p' <<< "$line")
[ -n "$webhook" ] || fail "no webhook URL in: $line"
root=${webhook%/callback}

# serve is ready when /healthz answers (at most 30 s)
for i in $(seq 1 300); do
  curl -sS -f -o /dev/null "$root/healthz" 2> /dev/null && break
  [ "$i" -lt 300 ] || fail "$root/healthz did not answer within 30 s"
  sleep 0.1
done
say "curl -sS $root/healthz"
curl -sS "$root/healthz"

# The emulator signs each payload with X-Goog-Signature and answers with the webhook's status.
push() {
  say "curl -sS -X POST '${emulator}emulator/push?to=$webhook' -H 'Content-Type: application/json' -d @$1"
  curl -sS -X POST "${emulator}emulator/push?to=$webhook" \
    -H 'Content-Type: application/json' -d @"$1"
  echo
}
# Waits (at most 30 s) until serve's output has N lines, so that it reads in a fixed order.
serve_lines() {
  local i
  for i in $(seq 1 300); do
    [ "$(wc -l < serve.out)" -ge "$1" ] && return
    sleep 0.1
  done
  fail "serve printed $(wc -l < serve.out) lines, not $1: $(cat serve.out)"
}

push message.json    # a user message: serve sends a READ receipt for it
serve_lines 3        # startup, what to try next, sent READ
push receipts.json   # DELIVERED for the agent's messages a1 and a2
push read.json       # READ for a1, 150 s later
push read.json       # Google's redelivery: answered 200, passed on to nobody
say "curl -sS -w ' (%{http_code})\\n' -X POST $webhook -H 'Content-Type: application/json' -d @read.json"
curl -sS -w ' (%{http_code})\n' -X POST "$webhook" -H 'Content-Type: application/json' \
  -d @read.json

echo "# serve printed:"
cat serve.out

say "curl -sS $root/metrics | grep -E '^bm_(receipts_received_total|read_rate|webhook_requests|agent_receipts_sent)'"
curl -sS "$root/metrics" \
  | grep -E '^bm_(receipts_received_total|read_rate|webhook_requests|agent_receipts_sent)'

say "java -jar \$J send-read --conversation c1 --message m2 --api-root $emulator"
J send-read --conversation c1 --message m2 --api-root "$emulator"
say "BM_ACCESS_TOKEN=wrong java -jar \$J send-read --conversation c1 --message m2 --api-root $emulator"
code=0
BM_ACCESS_TOKEN=wrong J send-read --conversation c1 --message m2 --api-root "$emulator" 2>&1 \
  || code=$?
echo "(exit $code)"

say "java -jar \$J report --journal receipts.jsonl"
J report --journal receipts.jsonl

#!/usr/bin/env bash
# Webhook throughput on loopback, measured against the JDK server's own limit in the same run.
# Business Messages load (distinct signed 3-receipt payloads at /callback):
#   (a) demo `serve` with a signing key, no journal      (b) the same with --journal
#   (c) BareServer: JDK HttpServer, same pool size, reads the body, answers 200 "ok"
#   (m) with MEMORY=1 (or bench/memory.sh): (a) with -Xmx64m under /usr/bin/time -v
#   (s) `serve --store` on a throwaway PostgreSQL (bench/postgres.sh; BM_BENCH_POSTGRES_URL names
#       another): dedupe keys and inbox rows shared with other instances; (s)/(a) is the store's
#       cost against the in-memory one. Not in the default SERVERS.
# RCS Business Messaging load (distinct signed Pub/Sub pushes of one user event each, at /rbm):
#   (r) demo `serve` as (a), with --rbm-client-token: its RBM path /rbm beside /callback
#   (cr) BareServer again, driven by the RBM load: (r)'s yardstick
# wrk drives each with 64 keep-alive connections (-t2 -c64) (bench/webhook.lua); warm-up first,
# then rounds that alternate the servers. Each round also prints the server JVM's CPU time per
# request (user + system, from /proc/PID/stat).
#
# Environment: ROUNDS (3), DURATION (10 s per server per round), WARMUP (15 s per server),
#   SERVERS ("a b c r cr"; "c" alone checks the script and the machine; "a c" the BM pair, "r cr"
#   the RBM pair), THREADS (every server's pool
#   size, passed to all as --threads; 2 x cores), SKIP_BUILD=1, KEEP_TMP=1 (keep logs), MEMORY=1, BENCH_STATIC=1 (see webhook.lua),
#   SERVE_CMD (replaces `java -jar receipts-demo/target/receipts-demo.jar`; for testing the script).
# Exit 0 when every request got a 2xx and no socket error occurred (targets missed are printed
# as MISS and do not fail the run); 1 otherwise; 2 when a server does not start.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-15}
THREADS=${THREADS:-$((2 * $(nproc)))}
if [ "${MEMORY:-0}" = 1 ]; then SERVERS=${SERVERS:-a m c}; else SERVERS=${SERVERS:-a b c r cr}; fi
read -r -a servers <<< "$SERVERS"
KEY=bench-signing-key-0123456789
demo_jar=$root/receipts-demo/target/receipts-demo.jar
bench_jar=$root/receipts-bench/target/benchmarks.jar
lua=$root/bench/webhook.lua

say() { printf '%s\n' "$*"; }
die() { say "webhook.sh: $*" >&2; exit 2; }
has() { [[ " $SERVERS " == *" $1 "* ]]; }

# ---- tools ----
apt_install() {
  if command -v sudo > /dev/null && sudo -n true 2> /dev/null; then
    sudo -n apt-get update -qq && sudo -n apt-get install -y -qq "$@"
  else
    apt-get update -qq && apt-get install -y -qq "$@"
  fi
}
command -v wrk > /dev/null || apt_install wrk > /dev/null || die "wrk is missing and could not be installed"
command -v curl > /dev/null || apt_install curl > /dev/null || die "curl is missing and could not be installed"
command -v openssl > /dev/null || apt_install openssl > /dev/null || die "openssl is missing"
if has m && [ ! -x /usr/bin/time ]; then
  apt_install time > /dev/null || die "/usr/bin/time is missing and could not be installed"
fi

# ---- build ----
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  modules=receipts-bench
  if has a || has b || has m || has s || has r; then modules=receipts-demo,receipts-bench; fi
  mvn -B -ntp -q -Pbench -pl "$modules" -am package -DskipTests
fi
[ -f "$bench_jar" ] || die "$bench_jar is missing: run without SKIP_BUILD=1"
if [ -z "${SERVE_CMD:-}" ] && { has a || has b || has m || has s || has r; }; then
  [ -f "$demo_jar" ] || die "$demo_jar is missing"
fi
read -r -a serve_cmd <<< "${SERVE_CMD:-java -jar $demo_jar}"

# ---- servers ----
tmp=$(mktemp -d)
declare -A pid port label
pids_in_order=()

cleanup() {
  local p child
  for p in "${pids_in_order[@]}"; do
    # /usr/bin/time ignores nothing useful: stop its java child so that it writes its report
    for child in $(pgrep -P "$p" 2> /dev/null || true); do kill -TERM "$child" 2> /dev/null || true; done
    kill -TERM "$p" 2> /dev/null || true
  done
  for p in "${pids_in_order[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$p" 2> /dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2> /dev/null || true
  done
  if [ "${KEEP_TMP:-0}" = 1 ]; then say "logs kept in $tmp"; else rm -rf "$tmp"; fi
  if declare -F postgres_stop > /dev/null; then postgres_stop; fi
}
trap cleanup EXIT

free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<> "/dev/tcp/127.0.0.1/$p") 2> /dev/null; then echo "$p"; return; fi
  done
  die "no free port found"
}

probe_body='{"agent":"brands/bench/agents/bench","conversationId":"probe","customAgentId":"bench","requestId":"probe","receipts":{"receipts":[{"message":"conversations/probe/messages/probe","receiptType":"READ"}],"createTime":"2024-05-14T09:21:07.123456Z"},"sendTime":"2024-05-14T09:21:07.654321Z"}'
probe_sig=$(printf '%s' "$probe_body" | openssl dgst -sha512 -hmac "$KEY" -binary | base64 -w0)
# the RBM probe: a DELIVERED user event, base64 in a push envelope, signed over the decoded data
rbm_probe_data='{"senderPhoneNumber":"+16505550000","eventType":"DELIVERED","eventId":"probe","messageId":"probe","sendTime":"2024-05-14T09:21:07.123456Z","agentId":"bench@rbm.goog"}'
rbm_probe_body='{"message":{"attributes":{"product":"RBM"},"data":"'$(printf '%s' "$rbm_probe_data" | base64 -w0)'","messageId":"14150481888479752","message_id":"14150481888479752","publishTime":"2024-05-14T09:21:07.654321Z","publish_time":"2024-05-14T09:21:07.654321Z"},"subscription":"projects/bench/subscriptions/rbm"}'
rbm_probe_sig=$(printf '%s' "$rbm_probe_data" | openssl dgst -sha512 -hmac "$KEY" -binary | base64 -w0)
is_rbm() { [[ $1 == r || $1 == cr ]]; }
url_path() { if is_rbm "$1"; then echo /rbm; else echo /callback; fi; }

start() { # start NAME LABEL COMMAND...
  local name=$1 lbl=$2
  shift 2
  local p
  p=$(free_port)
  port[$name]=$p
  label[$name]=$lbl
  local cmd=("$@")
  cmd=("${cmd[@]//@PORT@/$p}")
  "${cmd[@]}" > "$tmp/$name.log" 2>&1 &
  pid[$name]=$!
  pids_in_order+=("$!")
}

wait_ready() { # the server answers a signed probe (signed by openssl, not by our code) with 2xx
  local name=$1 code body=$probe_body sig=$probe_sig
  if is_rbm "$name"; then body=$rbm_probe_body sig=$rbm_probe_sig; fi
  for _ in $(seq 1 600); do
    if ! kill -0 "${pid[$name]}" 2> /dev/null; then
      tail -n 20 "$tmp/$name.log" >&2
      die "server ($name) exited before it was ready"
    fi
    code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
      -H "X-Goog-Signature: $sig" --data-binary "$body" \
      "http://127.0.0.1:${port[$name]}$(url_path "$name")" 2> /dev/null || true)
    case "$code" in 2??) return ;; 000) sleep 0.1 ;; *)
      tail -n 20 "$tmp/$name.log" >&2
      die "server ($name) answered the signed probe with $code" ;;
    esac
  done
  die "server ($name) not ready after 60 s"
}

# the same pool size for every server, given explicitly (the demo's own default may differ)
demo_args=(serve --host 127.0.0.1 --port @PORT@ --signing-key "$KEY" --threads "$THREADS" --quiet)
has a && start a "demo serve, no journal" "${serve_cmd[@]}" "${demo_args[@]}"
has b && start b "demo serve --journal" "${serve_cmd[@]}" "${demo_args[@]}" --journal "$tmp/journal.jsonl"
if has s; then
  . "$root/bench/postgres.sh"
  postgres_start
  start s "demo serve --store" "${serve_cmd[@]}" "${demo_args[@]}" --store "$pg_url" --store-migrate
fi
has m && start m "demo serve -Xmx64m" /usr/bin/time -v -o "$tmp/time-m.txt" \
  "${serve_cmd[0]}" -Xmx64m "${serve_cmd[@]:1}" "${demo_args[@]}"
has c && start c "bare JDK HttpServer" java -cp "$bench_jar" dev.bmreceipts.bench.BareServer \
  --port @PORT@ --threads "$THREADS"
has r && start r "demo serve, RBM path" "${serve_cmd[@]}" "${demo_args[@]}" --rbm-client-token "$KEY"
has cr && start cr "bare, RBM load" java -cp "$bench_jar" dev.bmreceipts.bench.BareServer \
  --port @PORT@ --threads "$THREADS"
for s in "${servers[@]}"; do wait_ready "$s"; done

# ---- load ----
failures=0
declare -A total_requests
clock_ticks=$(getconf CLK_TCK)
cpu_ticks() { # cpu_ticks NAME: user + system CPU ticks of the server's JVM so far (0 if unknown)
  local p=${pid[$1]} child
  child=$(pgrep -P "$p" 2> /dev/null | head -n 1 || true)
  [ -n "$child" ] && p=$child # (m) runs under /usr/bin/time
  awk '{print $14 + $15}' "/proc/$p/stat" 2> /dev/null || echo 0
}
run_wrk() { # run_wrk NAME SECONDS TAG: sets last_rps, last_p99 (us) and last_cpu (server CPU us per request), counts errors
  local name=$1 secs=$2 tag=$3 out line ticks_before
  local protocol=bm body=$probe_body sig=$probe_sig data=
  if is_rbm "$name"; then protocol=rbm body=$rbm_probe_body sig=$rbm_probe_sig data=$rbm_probe_data; fi
  out=$tmp/wrk-$name-$tag.txt
  ticks_before=$(cpu_ticks "$name")
  if ! BENCH_KEY=$KEY BENCH_RUN="$name$tag-$$-$RANDOM" BENCH_PROTOCOL=$protocol \
    BENCH_PATH="$(url_path "$name")" BENCH_PROBE_BODY=$body BENCH_PROBE_SIG=$sig \
    BENCH_PROBE_DATA=$data wrk -t2 -c64 -d"${secs}s" --latency -s "$lua" \
    "http://127.0.0.1:${port[$name]}$(url_path "$name")" > "$out" 2>&1; then
    cat "$out" >&2
    die "wrk failed against ($name)"
  fi
  line=$(grep '^BENCH ' "$out") || die "no BENCH line from wrk against ($name): see $out"
  local -A f
  for kv in ${line#BENCH }; do f[${kv%%=*}]=${kv#*=}; done
  local errors=$((f[connect] + f[read] + f[write] + f[timeout]))
  if [ "$errors" -ne 0 ] || [ "${f[status]}" -ne 0 ]; then
    say "  ($name) $tag: $errors socket errors, ${f[status]} non-2xx responses" >&2
    failures=$((failures + 1))
  fi
  if ! kill -0 "${pid[$name]}" 2> /dev/null; then
    say "  ($name) died during $tag" >&2
    failures=$((failures + 1))
  fi
  total_requests[$name]=$((${total_requests[$name]:-0} + f[requests]))
  last_rps=${f[rps]}
  last_p99=${f[p99_us]}
  last_cpu=$(awk -v t="$(($(cpu_ticks "$name") - ticks_before))" -v hz="$clock_ticks" -v n="${f[requests]}" \
    'BEGIN {print (n > 0) ? t * 1e6 / hz / n : 0}')
}

median() { sort -g | awk '{v[NR] = $1} END {if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

say "== webhook benchmark $(date -u +%FT%TZ): $(nproc) cores shared by wrk and the server, $(java -version 2>&1 | head -n 1)"
say "   wrk -t2 -c64, distinct signed 3-receipt payloads (BM) or one-event pushes (RBM: r, cr)$([ "${BENCH_STATIC:-0}" = 1 ] && echo ' (BENCH_STATIC=1: one payload, duplicate path)'); server pool $THREADS threads"
say "   warm-up ${WARMUP}s per server, then $ROUNDS rounds x ${DURATION}s per server, order alternating"
for s in "${servers[@]}"; do
  run_wrk "$s" "$WARMUP" warmup
done
declare -A rps_list p99_list cpu_list
for r in $(seq 1 "$ROUNDS"); do
  order=("${servers[@]}")
  if [ $((r % 2)) -eq 0 ]; then
    order=()
    for ((i = ${#servers[@]} - 1; i >= 0; i--)); do order+=("${servers[i]}"); done
  fi
  for s in "${order[@]}"; do
    run_wrk "$s" "$DURATION" "round$r"
    rps_list[$s]+="$last_rps "
    p99_list[$s]+="$last_p99 "
    cpu_list[$s]+="$last_cpu "
    printf '   round %d (%-2s) %-24s %10.0f req/s  p99 %7.2f ms  server CPU %5.1f us/req\n' "$r" "$s" \
      "${label[$s]}" "$last_rps" "$(awk -v u="$last_p99" 'BEGIN {print u / 1000}')" "$last_cpu"
  done
done

# ---- results ----
declare -A rps_med p99_med cpu_med
say "== medians over $ROUNDS rounds ($(nproc) cores shared by wrk and the server)"
for s in "${servers[@]}"; do
  rps_med[$s]=$(tr ' ' '\n' <<< "${rps_list[$s]}" | grep . | median)
  p99_med[$s]=$(tr ' ' '\n' <<< "${p99_list[$s]}" | grep . | median)
  cpu_med[$s]=$(tr ' ' '\n' <<< "${cpu_list[$s]}" | grep . | median)
  printf '   (%-2s) %-24s %10.0f req/s  p99 %7.2f ms  server CPU %5.1f us/req\n' "$s" "${label[$s]}" \
    "${rps_med[$s]}" "$(awk -v u="${p99_med[$s]}" 'BEGIN {print u / 1000}')" "${cpu_med[$s]}"
done

target() { # target LABEL VALUE OP LIMIT
  awk -v l="$1" -v v="$2" -v op="$3" -v t="$4" 'BEGIN {
    ok = (op == ">=") ? v >= t : v <= t
    printf "   %-18s %5.2f  (target %s %.2f: %s)\n", l, v, op, t, ok ? "PASS" : "MISS" }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {print (b > 0) ? a / b : 0}'; }
if has c; then
  say "== ratios against the bare JDK server (c)"
  has a && target "(a)/(c) req/s" "$(ratio "${rps_med[a]}" "${rps_med[c]}")" ">=" 0.85
  has a && target "p99(a)/p99(c)" "$(ratio "${p99_med[a]}" "${p99_med[c]}")" "<=" 1.5
  has b && target "(b)/(c) req/s" "$(ratio "${rps_med[b]}" "${rps_med[c]}")" ">=" 0.6
  has m && target "(m)/(c) req/s" "$(ratio "${rps_med[m]}" "${rps_med[c]}")" ">=" 0.85
  has a && say "   server CPU (a) - (c) $(printf '%5.1f' "$(awk -v a="${cpu_med[a]}" -v c="${cpu_med[c]}" 'BEGIN {print a - c}')") us per request (our work, measured under load; no target)"
  if has m && has a; then
    say "   (m)/(a) req/s      $(printf '%5.2f' "$(ratio "${rps_med[m]}" "${rps_med[a]}")")  (-Xmx64m against the default heap: should be about 1)"
  fi
fi
if has s && has a; then
  say "== the shared store's cost"
  say "   (s)/(a) req/s      $(printf '%5.2f' "$(ratio "${rps_med[s]}" "${rps_med[a]}")")  (serve --store against serve's in-memory store; no target)"
  say "   p99(s)/p99(a)      $(printf '%5.2f' "$(ratio "${p99_med[s]}" "${p99_med[a]}")")"
fi
if has r && has cr; then
  # no target of its own yet: printed beside (a)/(c)'s, the same guarantees on the other protocol
  say "== ratios against the bare JDK server under the RBM load (cr)"
  say "   (r)/(cr) req/s     $(printf '%5.2f' "$(ratio "${rps_med[r]}" "${rps_med[cr]}")")  (no target; (a)/(c)'s is >= 0.85)"
  say "   p99(r)/p99(cr)     $(printf '%5.2f' "$(ratio "${p99_med[r]}" "${p99_med[cr]}")")  (no target; (a)/(c)'s is <= 1.50)"
  say "   server CPU (r) - (cr) $(printf '%5.1f' "$(awk -v a="${cpu_med[r]}" -v c="${cpu_med[cr]}" 'BEGIN {print a - c}')") us per request (our work on one RBM push, under load; no target)"
fi

# ---- sanity: the work was really done ----
# (not with BENCH_STATIC=1: one repeated payload is the duplicate path, passed on once)
counted=1
[ "${BENCH_STATIC:-0}" = 1 ] && counted=0
if has b && [ -z "${SERVE_CMD:-}" ] && [ "$counted" = 1 ]; then
  lines=0
  [ -f "$tmp/journal.jsonl" ] && lines=$(wc -l < "$tmp/journal.jsonl")
  expected=$((3 * total_requests[b]))
  say "   journal (b): $lines lines for ${total_requests[b]} answered requests (3 receipts each)"
  if [ "$lines" -lt "$expected" ]; then
    say "   journal (b) has fewer lines than receipts answered: dedupe or journal skipped work" >&2
    failures=$((failures + 1))
  fi
fi
if has a && [ -z "${SERVE_CMD:-}" ] && [ "$counted" = 1 ]; then
  received=$(curl -s "http://127.0.0.1:${port[a]}/metrics" 2> /dev/null \
    | awk '/^bm_receipts_received_total/ {n += $NF} END {printf "%d", n}')
  say "   metrics (a): bm_receipts_received_total = $received for ${total_requests[a]} answered requests"
  if [ "$received" -gt 0 ] && [ "$received" -lt $((3 * total_requests[a])) ]; then
    say "   metrics (a) count fewer receipts than answered: dedupe or listener skipped work" >&2
    failures=$((failures + 1))
  fi
fi
if has r && [ "$counted" = 1 ]; then
  received=$(curl -s "http://127.0.0.1:${port[r]}/metrics" 2> /dev/null \
    | awk '/^bm_receipts_received_total/ {n += $NF} END {printf "%d", n}')
  say "   metrics (r): bm_receipts_received_total = $received for ${total_requests[r]} answered requests (1 receipt each)"
  if [ "$received" -lt "${total_requests[r]}" ]; then
    say "   metrics (r) count fewer receipts than answered: dedupe or listener skipped work" >&2
    failures=$((failures + 1))
  fi
fi
if has m; then
  if grep -q OutOfMemoryError "$tmp/m.log"; then
    say "   (m) logged an OutOfMemoryError:" >&2
    grep -m 3 OutOfMemoryError "$tmp/m.log" >&2
    failures=$((failures + 1))
  fi
  # stop (m) now so that /usr/bin/time writes its report
  for child in $(pgrep -P "${pid[m]}" 2> /dev/null || true); do kill -TERM "$child" 2> /dev/null || true; done
  for _ in $(seq 1 100); do kill -0 "${pid[m]}" 2> /dev/null || break; sleep 0.1; done
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tmp/time-m.txt" 2> /dev/null || true)
  say "   (m) peak RSS: $(awk -v k="${rss:-0}" 'BEGIN {printf "%.1f MiB", k / 1024}') (/usr/bin/time -v, -Xmx64m)"
fi
for s in "${servers[@]}"; do
  if grep -q -e 'OutOfMemoryError' -e '^Exception in thread' "$tmp/$s.log"; then
    say "   ($s) log shows an error: $(grep -m 1 -e 'OutOfMemoryError' -e '^Exception in thread' "$tmp/$s.log")" >&2
    failures=$((failures + 1))
  fi
done

if [ "$failures" -ne 0 ]; then
  say "FAILED: $failures problem(s) above (non-2xx, socket errors, dead server or skipped work)" >&2
  KEEP_TMP=1
  exit 1
fi
say "OK: every request answered 2xx, no socket errors"

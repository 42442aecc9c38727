# Sourced by the benchmarks that need PostgreSQL (bench/jdbc.sh, bench/webhook.sh's (s)).
# postgres_start: sets pg_url to BM_BENCH_POSTGRES_URL, or else starts a throwaway PostgreSQL from
# the machine's binaries (as the postgres user when run as root) on 127.0.0.1 and a free port.
# postgres_stop: stops and deletes what postgres_start started (nothing for BM_BENCH_POSTGRES_URL).
pg_url=
pg_data=
pg_as=()
postgres_start() {
  pg_url="${BM_BENCH_POSTGRES_URL:-}"
  [ -n "$pg_url" ] && return
  pg_bin=$(dirname "$(command -v initdb || ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")
  pg_data=$(mktemp -d /tmp/bm-bench-pg.XXXXXX)
  if [ "$(id -u)" = 0 ]; then
    chown postgres "$pg_data"
    pg_as=(runuser -u postgres --)
  fi
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "${pg_as[@]}" "$pg_bin/initdb" -D "$pg_data/db" -A trust -U postgres -E UTF8 --locale=C --no-sync >/dev/null
  "${pg_as[@]}" "$pg_bin/pg_ctl" -D "$pg_data/db" -l "$pg_data/log" -w -o "-p $port -k $pg_data -c listen_addresses=127.0.0.1 -c max_connections=100" start >/dev/null
  pg_url="jdbc:postgresql://127.0.0.1:$port/postgres?user=postgres"
}
postgres_stop() {
  [ -n "$pg_data" ] || return 0
  "${pg_as[@]}" "$pg_bin/pg_ctl" -D "$pg_data/db" -m fast -w stop >/dev/null || true
  rm -rf "$pg_data"
  pg_data=
}

#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the benchmarks on 127.0.0.1:55432 (what the scripts default to),
# with the databases they use. Debian's postgresql package; run as root or as a user who can run initdb.
#   bench/pg.sh          # start (idempotent)
#   bench/pg.sh stop
set -euo pipefail
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
DIR=${BENCH_PG_DIR:-/tmp/rp-bench-pg}
PORT=${BENCH_PG_PORT:-55432}
as_pg=(); [ "$(id -u)" = 0 ] && as_pg=(runuser -u postgres --)
if [ "${1:-start}" = stop ]; then "${as_pg[@]}" "$BIN/pg_ctl" -D "$DIR/data" stop; exit; fi
if ! "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; then
  mkdir -p "$DIR"; [ "$(id -u)" = 0 ] && chown postgres "$DIR"
  [ -f "$DIR/data/PG_VERSION" ] || "${as_pg[@]}" "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  "${as_pg[@]}" "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/log" -w -o \
    "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c max_connections=700 -c shared_buffers=512MB" start >/dev/null
fi
for db in rp_bench rp_resil_bench rp_stats; do
  "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$db'" | grep -q 1 \
    || "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres "$db"
done
echo "PostgreSQL for the benchmarks: postgresql+psycopg://postgres@127.0.0.1:$PORT/<rp_bench|rp_resil_bench|rp_stats>"

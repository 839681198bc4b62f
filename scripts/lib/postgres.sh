# A throwaway PostgreSQL 15 cluster for the tests: its own temporary directory, a free loopback port,
# trust authentication, gone after postgres_stop. Sourced, not executed (needs common.sh's free_port).
#
#   postgres_start            starts the cluster; sets DATARECS_PG_DIR and DATARECS_PG_PORT and exports
#                             DATARECS_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:PORT/postgres
#   postgres_stop             stops it and removes its directory (safe to call twice, or before start)
#
# As root the server runs as the 'postgres' account (PostgreSQL refuses to run as root); otherwise it
# runs as the calling user.

DATARECS_PG_BIN=${DATARECS_PG_BIN:-/usr/lib/postgresql/15/bin}
DATARECS_PG_DIR=
DATARECS_PG_PORT=

# Runs a PostgreSQL program as the account that owns the cluster.
_pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

postgres_start() {
  if [ ! -x "$DATARECS_PG_BIN/initdb" ]; then
    echo "error: $DATARECS_PG_BIN/initdb not found (Debian package postgresql-15)" >&2
    return 1
  fi
  DATARECS_PG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/datarecs-pg.XXXXXX")"
  DATARECS_PG_PORT="$(free_port)"
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$DATARECS_PG_DIR"; fi
  # fsync off: a throwaway cluster that does not outlive the run; commit semantics (what a client sees
  # as committed, what another session sees) are unchanged.
  _pg_as_owner "$DATARECS_PG_BIN/initdb" -D "$DATARECS_PG_DIR/data" -A trust -U postgres -E UTF8 \
    --locale=C --no-sync >"$DATARECS_PG_DIR/initdb.log" 2>&1 || {
    echo "error: initdb failed:" >&2; cat "$DATARECS_PG_DIR/initdb.log" >&2; return 1; }
  _pg_as_owner "$DATARECS_PG_BIN/pg_ctl" -D "$DATARECS_PG_DIR/data" -l "$DATARECS_PG_DIR/server.log" -w \
    -o "-p $DATARECS_PG_PORT -k $DATARECS_PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" \
    start >/dev/null || {
    echo "error: PostgreSQL did not start:" >&2; cat "$DATARECS_PG_DIR/server.log" >&2; return 1; }
  export DATARECS_TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$DATARECS_PG_PORT/postgres"
  echo "==> PostgreSQL $("$DATARECS_PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$DATARECS_PG_PORT ($DATARECS_PG_DIR)"
}

postgres_stop() {
  [ -n "$DATARECS_PG_DIR" ] || return 0
  if [ -f "$DATARECS_PG_DIR/data/postmaster.pid" ]; then
    _pg_as_owner "$DATARECS_PG_BIN/pg_ctl" -D "$DATARECS_PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$DATARECS_PG_DIR"
  DATARECS_PG_DIR=
  unset DATARECS_TEST_POSTGRES_URL
}

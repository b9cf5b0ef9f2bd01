# Sourced by tools/test: install Debian's PostgreSQL if missing, start a throwaway server, export its URL.
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$PGBIN" ] && command -v apt-get >/dev/null 2>&1; then
  echo "== installing PostgreSQL (Debian packages)"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) || true
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
fi
if [ -n "$PGBIN" ]; then
  PGDATA_DIR=$(mktemp -d /tmp/unionkit-pg.XXXXXX)
  chmod 755 "$PGDATA_DIR"
  PGUSER_RUN=postgres
  id "$PGUSER_RUN" >/dev/null 2>&1 || PGUSER_RUN=$(id -un)
  chown "$PGUSER_RUN" "$PGDATA_DIR"
  as_pg() { if [ "$(id -un)" = "$PGUSER_RUN" ]; then "$@"; else su "$PGUSER_RUN" -s /bin/sh -c "$(printf '%q ' "$@")"; fi; }
  as_pg "$PGBIN/initdb" -D "$PGDATA_DIR/data" -U unionkit --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  # A free port unless one is asked for: several checkouts may run their tests at once.
  PGPORT_RUN=${UNIONKIT_PG_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
  as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR/data" -l "$PGDATA_DIR/log" -w \
    -o "-p $PGPORT_RUN -k $PGDATA_DIR -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
  as_pg "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT_RUN" -U unionkit unionkit_test
  export UNIONKIT_TEST_PG_URL="postgresql+psycopg://unionkit@127.0.0.1:$PGPORT_RUN/unionkit_test"
  trap 'as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$PGDATA_DIR"' EXIT
  echo "== PostgreSQL running at $UNIONKIT_TEST_PG_URL"
else
  echo "== PostgreSQL not available: tests marked 'postgres' will fail" >&2
  export UNIONKIT_TEST_PG_URL="unavailable"
fi

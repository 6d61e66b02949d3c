#!/usr/bin/env bash
# Back up a Siaga installation into one timestamped archive: the database (pg_dump
# custom format for PostgreSQL, a consistent copy for SQLite), every evidence object the
# database references (local storage), and a manifest (rows per table, schema revision,
# SHA-256 of each object). Safe to run while Siaga serves requests.
#
#   scripts/backup.sh [--database-url URL] [--storage-dir DIR] [--output-dir DIR]
#                     [--no-evidence]
#
# Defaults come from SIAGA_DATABASE_URL and SIAGA_STORAGE_DIR, as for the server.
# PostgreSQL needs pg_dump and psql of the server's major version or newer
# (Debian/Ubuntu: postgresql-client-15). Evidence in S3 (SIAGA_STORAGE_BACKEND=s3) is
# not copied: pass --no-evidence and mirror the bucket (see README, "Backup and
# restore"); the archive then comes with the list of objects the database expects.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
helper="$here/backup_archive.py"
python="${PYTHON:-python3}"

usage() { sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { echo "backup: $*" >&2; exit 1; }

database_url="${SIAGA_DATABASE_URL:-}"
storage_dir="${SIAGA_STORAGE_DIR:-}"
output_dir="."
with_evidence=1
while (($#)); do
  case "$1" in
    --database-url) database_url="${2:?--database-url needs a value}"; shift 2 ;;
    --storage-dir) storage_dir="${2:?--storage-dir needs a value}"; shift 2 ;;
    --output-dir) output_dir="${2:?--output-dir needs a value}"; shift 2 ;;
    --no-evidence) with_evidence=0; shift ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done

[[ -n "$database_url" ]] || die "no database: set SIAGA_DATABASE_URL or pass --database-url"
if ((with_evidence)); then
  if [[ "${SIAGA_STORAGE_BACKEND:-local}" == "s3" ]]; then
    die "evidence is in S3: pass --no-evidence and mirror the bucket (aws s3 sync / mc mirror)"
  fi
  [[ -n "$storage_dir" ]] || die "no evidence directory: set SIAGA_STORAGE_DIR or pass --storage-dir"
  [[ -d "$storage_dir" ]] || die "evidence directory $storage_dir does not exist"
fi

case "$database_url" in
  postgres://* | postgresql://* | postgresql+*://*)
    kind=postgresql
    # libpq understands postgresql://; drop SQLAlchemy's driver suffix.
    libpq_url="postgresql://${database_url#*://}"
    command -v pg_dump >/dev/null || die "pg_dump not found; install postgresql-client"
    command -v psql >/dev/null || die "psql not found; install postgresql-client"
    ;;
  sqlite://* | sqlite+*://*)
    kind=sqlite
    sqlite_path="${database_url#*://}"
    sqlite_path="${sqlite_path#/}"   # sqlite:///relative or sqlite:////absolute
    ;;
  *) die "unsupported database URL (postgresql:// or sqlite:///)" ;;
esac

mkdir -p "$output_dir"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
archive="$output_dir/siaga-backup-$stamp.tar"
[[ ! -e "$archive" ]] || die "$archive already exists"
work="$(mktemp -d "$output_dir/.siaga-backup-$stamp.XXXXXX")"
psql_pid=""
cleanup() {
  [[ -z "$psql_pid" ]] || kill "$psql_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

if [[ "$kind" == postgresql ]]; then
  # One snapshot for everything: a transaction exports it, pg_dump dumps exactly it,
  # and the row counts and the list of evidence objects are read in it too, so the
  # manifest describes the dump even while the server keeps writing.
  coproc PSQL { exec psql "$libpq_url" -X -q -A -t -F $'\t' -v ON_ERROR_STOP=1 2>&1; }
  psql_pid="$PSQL_PID"
  printf '%s\n' "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY;" \
    "SELECT pg_export_snapshot();" >&"${PSQL[1]}"
  IFS= read -r snapshot <&"${PSQL[0]}" || die "could not connect to the database"
  [[ "$snapshot" =~ ^[0-9A-F]+-[0-9A-F]+-[0-9]+$ ]] || die "psql: $snapshot"
  pg_dump "$libpq_url" --format=custom --no-owner --no-privileges \
    --snapshot="$snapshot" --file="$work/database.pgdump"
  printf '%s\n' \
    "\\o $work/counts.tsv" \
    "SELECT format('SELECT %L, count(*) FROM %I.%I', tablename, schemaname, tablename) FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename \\gexec" \
    "\\o $work/blobs.tsv" \
    "SELECT sha256, storage_key, size FROM evidence_blobs ORDER BY sha256;" \
    "\\o $work/revision.txt" \
    "SELECT version_num FROM alembic_version;" \
    "\\o" \
    "COMMIT;" \
    "SELECT 'snapshot-done';" \
    "\\q" >&"${PSQL[1]}"
  IFS= read -r done_marker <&"${PSQL[0]}" || true
  [[ "$done_marker" == snapshot-done ]] || die "psql: $done_marker"
  wait "$psql_pid" || true
  psql_pid=""
else
  "$python" "$helper" sqlite-snapshot --database "$sqlite_path" --work "$work"
fi

storage_args=()
((with_evidence)) && storage_args=(--storage "$storage_dir")
"$python" "$helper" pack --work "$work" --kind "$kind" "${storage_args[@]}" --output "$archive"

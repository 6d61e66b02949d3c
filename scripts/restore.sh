#!/usr/bin/env bash
# Restore an archive made by scripts/backup.sh into an empty database and evidence
# directory, then check it: every evidence object against its SHA-256, every table's
# row count against the manifest.
#
#   scripts/restore.sh ARCHIVE [--database-url URL] [--storage-dir DIR] [--force]
#
# Defaults come from SIAGA_DATABASE_URL and SIAGA_STORAGE_DIR. The database must be
# empty (create it first: createdb siaga) and so must the evidence directory; --force
# replaces the database's contents (drops the public schema) and adds the objects to a
# non-empty directory (keys are content hashes, so nothing is overwritten by other
# content). Stop the Siaga server first. The database kind must match the archive's.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
helper="$here/backup_archive.py"
python="${PYTHON:-python3}"

usage() { sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { echo "restore: $*" >&2; exit 1; }

archive=""
database_url="${SIAGA_DATABASE_URL:-}"
storage_dir="${SIAGA_STORAGE_DIR:-}"
force=0
while (($#)); do
  case "$1" in
    --database-url) database_url="${2:?--database-url needs a value}"; shift 2 ;;
    --storage-dir) storage_dir="${2:?--storage-dir needs a value}"; shift 2 ;;
    --force) force=1; shift ;;
    -h | --help) usage; exit 0 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) [[ -z "$archive" ]] || die "one archive only"; archive="$1"; shift ;;
  esac
done

[[ -n "$archive" ]] || die "which archive? (see --help)"
[[ -f "$archive" ]] || die "$archive does not exist"
[[ -n "$database_url" ]] || die "no database: set SIAGA_DATABASE_URL or pass --database-url"

work="$(mktemp -d "${TMPDIR:-/tmp}/siaga-restore.XXXXXX")"
trap 'rm -rf "$work"' EXIT
tar -xf "$archive" -C "$work" manifest.json evidence.sha256 2>/dev/null \
  || die "$archive is not a Siaga backup (no manifest)"
kind="$("$python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["database"])' \
  "$work/manifest.json")"
has_evidence="$("$python" -c \
  'import json,sys; print(int(json.load(open(sys.argv[1]))["evidence"]["included"]))' \
  "$work/manifest.json")"

case "$database_url" in
  postgres://* | postgresql://* | postgresql+*://*) target=postgresql ;;
  sqlite://* | sqlite+*://*) target=sqlite ;;
  *) die "unsupported database URL (postgresql:// or sqlite:///)" ;;
esac
[[ "$target" == "$kind" ]] || die "the archive holds a $kind database; the target is $target"

if ((has_evidence)); then
  [[ -n "$storage_dir" ]] || die "no evidence directory: set SIAGA_STORAGE_DIR or pass --storage-dir"
  if [[ -d "$storage_dir" ]] && [[ -n "$(ls -A "$storage_dir")" ]] && ((!force)); then
    die "evidence directory $storage_dir is not empty (use --force to add to it)"
  fi
fi

# Check everything before touching the target: a damaged archive changes nothing.
echo "restore: checking the archive"
tar -xf "$archive" -C "$work"
# An installation without any evidence yet has an empty list, which sha256sum refuses.
if ((has_evidence)) && [[ -s "$work/evidence.sha256" ]]; then
  (cd "$work" && sha256sum --quiet --check evidence.sha256) \
    || die "evidence objects in the archive do not match their checksums"
fi

if [[ "$kind" == postgresql ]]; then
  libpq_url="postgresql://${database_url#*://}"
  command -v pg_restore >/dev/null || die "pg_restore not found; install postgresql-client"
  tables="$(psql "$libpq_url" -X -q -A -t -v ON_ERROR_STOP=1 \
    -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" \
    || die "cannot connect to the target database (create it first: createdb)"
  if ((tables > 0)); then
    ((force)) || die "the target database has $tables tables (use --force to replace them)"
    echo "restore: --force: dropping the target's public schema"
    PGOPTIONS="-c client_min_messages=warning" psql "$libpq_url" -X -q -v ON_ERROR_STOP=1 \
      -c "DROP SCHEMA public CASCADE" -c "CREATE SCHEMA public"
  fi
  echo "restore: restoring the database"
  # One transaction: a failed restore leaves the target as empty as it was.
  pg_restore --dbname="$libpq_url" --no-owner --no-privileges --exit-on-error \
    --single-transaction "$work/database.pgdump"
  psql "$libpq_url" -X -q -A -t -F $'\t' -v ON_ERROR_STOP=1 -o "$work/restored.tsv" <<'SQL'
SELECT format('SELECT %L, count(*) FROM %I.%I', tablename, schemaname, tablename)
FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename \gexec
SQL
else
  sqlite_path="${database_url#*://}"
  sqlite_path="${sqlite_path#/}"
  if [[ -s "$sqlite_path" ]]; then
    ((force)) || die "the target database $sqlite_path exists (use --force to replace it)"
  fi
  echo "restore: restoring the database"
  mkdir -p "$(dirname "$sqlite_path")"
  rm -f "$sqlite_path-wal" "$sqlite_path-shm"
  cp "$work/database.sqlite3" "$sqlite_path.restoring"
  mv -f "$sqlite_path.restoring" "$sqlite_path"
  "$python" "$helper" counts --database "$sqlite_path" --out "$work/restored.tsv"
fi

if ((has_evidence)); then
  echo "restore: restoring the evidence objects"
  mkdir -p "$storage_dir"
  if [[ -d "$work/evidence" ]]; then
    cp -R "$work/evidence/." "$storage_dir/"
  fi
  # Read back from their new home, so a bad disk is noticed now, not at download.
  sed 's#  evidence/#  #' "$work/evidence.sha256" >"$work/restored.sha256"
  if [[ -s "$work/restored.sha256" ]]; then
    (cd "$storage_dir" && sha256sum --quiet --check "$work/restored.sha256") \
      || die "restored evidence objects do not match their checksums"
  fi
fi

"$python" "$helper" check --manifest "$work/manifest.json" --counts "$work/restored.tsv"
echo "restore: done; start Siaga (siaga migrate first if this version is newer than the backup)"

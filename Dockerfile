# The API image: the Python package only; the SPA is served by the web (nginx) image.
FROM python:3.11-slim AS api
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
# Pango and a font for the PDF report (WeasyPrint); PostgreSQL client tools for backups.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
       libharfbuzz-subset0 fonts-dejavu-core postgresql-client \
    && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md ./
COPY backend ./backend
COPY migrations ./migrations
# Backup and restore (README, "Backup and restore"): docker compose exec api scripts/backup.sh
COPY scripts/backup.sh scripts/restore.sh scripts/backup_archive.py ./scripts/
RUN pip install . && useradd --system --uid 10001 siaga && mkdir -p /app/var && chown siaga /app/var
USER siaga
EXPOSE 8000
CMD ["sh", "-c", "siaga migrate && siaga serve --host 0.0.0.0 --port 8000 --workers ${SIAGA_WORKERS:-2}"]

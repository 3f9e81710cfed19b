# syntax=docker/dockerfile:1
# Build:   docker build -t trustmeter .
# Migrate: docker run --rm -e TRUSTMETER_DATABASE_URL=... -e TRUSTMETER_SECRET_KEY=... trustmeter trustmeter migrate
# Serve:   docker run -p 8000:8000 --stop-timeout 30 -e TRUSTMETER_DATABASE_URL=... -e TRUSTMETER_SECRET_KEY=... \
#            -e TRUSTMETER_BASE_URL=https://... -e TRUSTMETER_FORWARDED_ALLOW_IPS=<proxy address> trustmeter
# Worker:  docker run -e (the same settings) trustmeter trustmeter worker
# See "Deploying with PostgreSQL" in README.md.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN python -m venv /opt/venv
COPY pyproject.toml README.md ./
COPY app ./app
RUN /opt/venv/bin/pip install '.[postgres]'

FROM python:3.11-slim AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    TRUSTMETER_ENVIRONMENT=production
# The PDF report: WeasyPrint lays it out with Pango and DejaVu fonts; Debian's headless
# Chromium draws its charts (nothing is downloaded at run time).
RUN apt-get update \
    && apt-get install -y --no-install-recommends chromium libpango-1.0-0 libpangoft2-1.0-0 \
       fonts-dejavu-core fontconfig \
    && rm -rf /var/lib/apt/lists/*
ENV TRUSTMETER_CHROMIUM_PATH=/usr/bin/chromium
RUN useradd --create-home --uid 10001 trustmeter
COPY --from=build /opt/venv /opt/venv
WORKDIR /srv/trustmeter
COPY --chown=trustmeter:trustmeter alembic.ini ./
COPY --chown=trustmeter:trustmeter migrations ./migrations
# Only for an SQLite database (the default URL points here); PostgreSQL needs no local state.
RUN mkdir var && chown trustmeter:trustmeter var
USER trustmeter
EXPOSE 8000
# Liveness with the database checked; a load balancer should route on /readyz (schema at head).
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz').status != 200)"
# Exec form: SIGTERM reaches the server, which finishes in-flight requests (up to 20 s) before
# it exits; give the container longer than that to stop (--stop-timeout 30).
CMD ["trustmeter", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]

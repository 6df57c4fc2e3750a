# The service's image: gunicorn by default; the same image runs the Celery worker and beat.
# docker-compose.yml shows how the pieces fit together.

# Stage 1: the stylesheet. Node.js is needed only here.
FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY static/scss static/scss
RUN npm run build:css


# Stage 2: the runtime.
FROM python:3.11-slim-bookworm

# WeasyPrint needs pango, harfbuzz, fontconfig and at least one font.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libfontconfig1 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 scr \
 && useradd --system --uid 10001 --gid scr --home-dir /app --shell /usr/sbin/nologin scr

# settings.py finds templates/, static/ and var/ beside the scr package, so the code
# must be imported from the source tree in /app, not from the copy pip puts in
# site-packages: PYTHONPATH puts /app first. The service's user cannot write to /app,
# so fontconfig (for WeasyPrint) keeps its cache under /tmp. WEB_CONCURRENCY is the
# number of gunicorn workers.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    XDG_CACHE_HOME=/tmp/.cache \
    WEB_CONCURRENCY=3

WORKDIR /app
COPY . .
# pip builds in the source tree; drop what the build leaves there (build/lib and the
# egg-info) before the stylesheet arrives in build/static.
RUN pip install . \
 && rm -rf build ./*.egg-info

COPY --from=assets /src/node_modules/govuk-frontend/dist node_modules/govuk-frontend/dist
COPY --from=assets /src/build/static build/static

# var/ holds the collected static files, and is where the media and beat volumes are
# mounted: create the mount points owned by the service's user so the volumes are too.
RUN mkdir -p var/media var/private var/beat var/mail \
 && chown -R scr:scr var

# The numeric id (the scr user) lets an orchestrator check that it is not root.
USER 10001:10001
# collectstatic reads no secret and no database; the key exists only for this step, and
# the Redis URL only keeps settings from creating the filesystem broker's folders.
RUN SECRET_KEY=collectstatic-only-not-a-secret DEBUG=false \
    CELERY_BROKER_URL=redis://unused:6379/0 \
    python manage.py collectstatic --noinput --verbosity 1

EXPOSE 8000
# The access log leaves out query strings and the referrer: a search of 'My cases' carries
# the adult's name in its address (?q=...), and the next page's referrer repeats it.
CMD ["gunicorn", "scr.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-", \
     "--access-logformat", "%(h)s %(t)s \"%(m)s %(U)s %(H)s\" %(s)s %(b)s %(L)s \"%(a)s\""]

# Kommune 360° – one image for web (gunicorn), Celery worker and Celery beat.
# Build: docker compose build (or: docker build -t k360 .). See README.md, "Production".

# --- Front-end assets: KERN UX and htmx from npm, served later from our own origin ----------
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only: axe-core is a devDependency used by the browser tests.
RUN npm ci --omit=dev --no-audit --no-fund --loglevel=error


# --- The application -------------------------------------------------------------------------
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

WORKDIR /app

RUN groupadd --system --gid 1000 k360 \
 && useradd --system --uid 1000 --gid k360 --home-dir /app --no-create-home \
      --shell /usr/sbin/nologin k360

# Every dependency ships a wheel for Python 3.11 on Linux (psycopg[binary] brings its own
# libpq), so no compiler is needed; WeasyPrint (the Selbstcheck PDF) needs Pango and a font.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock

# STATICFILES_DIRS points into node_modules/@kern-ux/native/dist and node_modules/htmx.org/dist.
COPY --from=assets /app/node_modules ./node_modules
# The code; .dockerignore keeps out .env, .venv, node_modules, var/, .git, tests and caches.
COPY . .

# Build output, made here: the translations (.po → .mo, with Babel) and the static files
# (hashed and compressed for whitenoise). Settings refuse DEBUG off with the development key,
# so this one step gets a throwaway key that never reaches the running containers.
# The code stays root-owned; only var/ is writable.
RUN export DEBUG=False SECRET_KEY=build-only-key-not-used-at-runtime \
 && python manage.py compile_translations \
 && python manage.py collectstatic --no-input \
 && mkdir -p var/media var/mail \
 && chown k360:k360 var var/media var/mail

USER k360

EXPOSE 8000

# /healthz answers 503 when the database is down; urlopen raises on it (and on no answer).
# The Host header is the first of ALLOWED_HOSTS, so the request passes Django's host check
# (127.0.0.1 is usually not an allowed host in production). /healthz is exempt from the
# HTTPS redirect.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; host = os.environ.get('ALLOWED_HOSTS', '').split(',')[0].strip().lstrip('.').replace('*', '') or 'localhost'; urllib.request.urlopen(urllib.request.Request('http://127.0.0.1:8000/healthz', headers={'Host': host}), timeout=4)"]

CMD ["gunicorn", "k360.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]

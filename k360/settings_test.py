"""Test settings: the real PostgreSQL and Redis, with speed-ups that change no behaviour."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-for-the-k360-suite")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/k360")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault("SITE_URL", "http://testserver")

from .settings import *  # noqa: F403
from .settings import DATABASES, STORAGES

if not DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    raise RuntimeError("The test suite runs against PostgreSQL only: set DATABASE_URL to it.")

DEBUG = False
ALLOWED_HOSTS = ["*"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
DATABASES["default"]["CONN_MAX_AGE"] = 0

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Unit tests run tasks in the calling process; tests/system/ starts a real worker instead.
CELERY_TASK_ALWAYS_EAGER = True
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

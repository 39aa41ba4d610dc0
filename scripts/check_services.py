"""Stop `make test` early, with one clear sentence, when PostgreSQL or Redis is not running."""

import os
import sys

import environ
import psycopg
import redis

database_url = os.environ["DATABASE_URL"]
config = environ.Env.db_url_config(database_url)
try:
    psycopg.connect(
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        dbname="postgres",
        connect_timeout=3,
    ).close()
except psycopg.OperationalError:
    sys.exit(
        f"PostgreSQL ist unter {config['HOST']}:{config['PORT'] or 5432} nicht erreichbar – "
        "starten Sie es (z. B. 'pg_ctlcluster 15 main start') oder setzen Sie DATABASE_URL."
    )

try:
    redis.Redis.from_url(os.environ["REDIS_URL"], socket_connect_timeout=3).ping()
except redis.RedisError:
    sys.exit(
        f"Redis ist unter {os.environ['REDIS_URL']} nicht erreichbar – starten Sie es "
        "(z. B. 'redis-server --daemonize yes') oder setzen Sie REDIS_URL."
    )

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "k360.settings")

app = Celery("k360")
# Every CELERY_* setting in k360/settings.py configures the app: broker, eager mode,
# acks_late, prefetch and the beat schedule all live next to the other settings.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

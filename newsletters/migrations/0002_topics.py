from django.db import migrations

TOPICS = [
    ("integrierte-planung", "Integrierte Planung und Präventionsketten"),
    ("veranstaltungen", "Veranstaltungen und Herbstforum"),
    ("selbstcheck", "Selbstcheck und Praxiswerkzeuge"),
    ("forschung", "Forschung und Impulse aus der Wissenschaft"),
    ("praxis", "Beispiele aus den Partnerkommunen"),
]


def add(apps, schema_editor):
    Topic = apps.get_model("newsletters", "Topic")
    for order, (slug, name) in enumerate(TOPICS):
        Topic.objects.get_or_create(slug=slug, defaults={"name": name, "order": order})


def remove(apps, schema_editor):
    apps.get_model("newsletters", "Topic").objects.filter(slug__in=[s for s, _ in TOPICS]).delete()


class Migration(migrations.Migration):
    dependencies = [("newsletters", "0001_initial")]

    operations = [migrations.RunPython(add, remove)]

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from network.models import User
from tests.factories import MunicipalityFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def image_upload(name="foto.jpg", size=(1600, 1200), image_format="JPEG", exif=True):
    image = Image.new("RGB", size, (200, 120, 40))
    buffer = io.BytesIO()
    kwargs = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "Kamerahersteller"  # Make
        data[0x8825] = {2: (52.0, 31.0, 0.0)}  # GPS latitude
        kwargs["exif"] = data
    image.save(buffer, format=image_format, **kwargs)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{image_format.lower()}")


def profile_data(**overrides):
    data = {
        "name": "Miriam Muster",
        "function": "Jugendhilfeplanerin",
        "sector": "verwaltung",
        "organisation_name": "Stadt Musterstadt",
        "topics": "Präventionsketten, Jugendhilfeplanung",
        "bio": "Ich plane.",
        "profile_visibility": "members",
        "notify_replies": "on",
    }
    data.update(overrides)
    return data


def test_profile_requires_login(client):
    response = client.get("/profil/")
    assert response.status_code == 302
    assert response.url.startswith("/konto/login/")


def test_edit_profile(member_client, member):
    municipality = MunicipalityFactory(name="Jena")
    response = member_client.post(
        "/profil/", profile_data(municipality=municipality.pk, show_email="on")
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.function == "Jugendhilfeplanerin"
    assert member.municipality == municipality
    assert member.show_email
    assert not member.notify_forums
    assert sorted(t.name for t in member.topics.all()) == [
        "Jugendhilfeplanung",
        "Präventionsketten",
    ]
    assert "Ihr Profil wurde gespeichert." in member_client.get("/profil/").content.decode()


def test_defaults_are_private():
    user = User.objects.create_user("neu@example.org", "x")
    assert user.profile_visibility == User.Visibility.MEMBERS
    assert user.show_email is False


def test_existing_topics_are_suggested(member_client):
    UserFactory().topics.add("Frühe Hilfen")
    html = member_client.get("/profil/").content.decode()
    assert '<datalist id="topic-suggestions"><option value="Frühe Hilfen">' in html


def test_missing_name_is_an_error_and_nothing_changes(member_client, member):
    response = member_client.post("/profil/", profile_data(name="", function="Neu"))
    assert response.status_code == 200
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()
    member.refresh_from_db()
    assert member.function == ""
    assert "Angemeldet als Miriam Muster" in response.content.decode()


def test_avatar_is_reencoded_without_metadata_and_resized(member_client, member):
    upload = image_upload()
    assert b"Kamerahersteller" in upload.read()
    upload.seek(0)
    response = member_client.post("/profil/", {**profile_data(), "avatar": upload})
    assert response.status_code == 302
    member.refresh_from_db()
    with member.avatar.open("rb") as stored:
        raw = stored.read()
    assert b"Kamerahersteller" not in raw
    image = Image.open(io.BytesIO(raw))
    assert image.format == "WEBP"
    assert max(image.size) == 512
    assert not image.getexif()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("boese.jpg", b"kein Bild", content_type="image/jpeg"),
            "kein lesbares Bild",
        ),
        (image_upload("bild.gif", (10, 10), "GIF", exif=False), "JPEG-, PNG- oder WebP-Bild"),
    ],
)
def test_bad_avatar_keeps_the_old_one(member_client, member, upload, message):
    member_client.post("/profil/", {**profile_data(), "avatar": image_upload()})
    member.refresh_from_db()
    old = member.avatar.name
    response = member_client.post("/profil/", {**profile_data(function="Neu"), "avatar": upload})
    assert response.status_code == 200
    assert message in response.content.decode()
    member.refresh_from_db()
    assert member.avatar.name == old
    assert member.function == "Jugendhilfeplanerin"


def test_too_large_avatar_is_refused(member_client, member, monkeypatch):
    monkeypatch.setattr("network.forms.AVATAR_MAX_BYTES", 1000)
    response = member_client.post("/profil/", {**profile_data(), "avatar": image_upload()})
    assert response.status_code == 200
    assert "Das Bild ist zu groß (höchstens 5 MB)." in response.content.decode()
    member.refresh_from_db()
    assert not member.avatar


def test_replacing_the_avatar_deletes_the_old_file(member_client, member):
    member_client.post("/profil/", {**profile_data(), "avatar": image_upload()})
    member.refresh_from_db()
    old = member.avatar
    storage, old_name = old.storage, old.name
    member_client.post(
        "/profil/",
        {**profile_data(), "avatar": image_upload("zwei.png", image_format="PNG", exif=False)},
    )
    member.refresh_from_db()
    assert member.avatar.name != old_name
    assert not storage.exists(old_name)


@pytest.mark.parametrize("topic", ["K" * 101, "ﬀ" * 60])  # the ligature's slug is twice as long
def test_too_long_topic_is_a_german_form_error_not_a_500(member_client, member, topic):
    # Found by tests/k360/test_form_fuzz.py: a tag's name and slug hold 100 characters.
    response = member_client.post("/profil/", profile_data(topics=f"Kita, {topic}"))
    assert response.status_code == 200
    assert "Ein Thema darf höchstens 100 Zeichen lang sein." in response.content.decode()
    assert not member.topics.exists()

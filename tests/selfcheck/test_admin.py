"""Staff author questionnaires in the admin; a published version is shown, never changed."""

import pytest

from selfcheck.models import Indicator, Questionnaire, Section

from .builders import make_questionnaire

pytestmark = pytest.mark.django_db


def test_published_version_is_read_only_and_edited_through_a_new_version(client, staff):
    questionnaire = make_questionnaire()
    section = Section.objects.get(questionnaire=questionnaire, slug="f1")
    client.force_login(staff)
    page = client.get(f"/admin/selfcheck/questionnaire/{questionnaire.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # a view, not a form
    response = client.post(
        f"/admin/selfcheck/section/{section.pk}/change/",
        {"title": "Umbenannt", "slug": "f1", "order": 1, "questionnaire": questionnaire.pk},
    )
    assert response.status_code == 403
    assert Section.objects.get(pk=section.pk).title == "Handlungsfeld 1"

    response = client.post(
        "/admin/selfcheck/questionnaire/",
        {"action": "new_version", "_selected_action": [questionnaire.pk]},
        follow=True,
    )
    assert "Entwurf angelegt" in response.content.decode()
    draft = Questionnaire.objects.get(key=questionnaire.key, version=2)
    assert draft.status == Questionnaire.Status.DRAFT
    assert Indicator.objects.filter(questionnaire=draft).count() == 6
    page = client.get(f"/admin/selfcheck/questionnaire/{draft.pk}/change/")
    assert 'name="_save"' in page.content.decode()


def test_publishing_checks_the_bands(client, staff):
    questionnaire = make_questionnaire()
    draft = Questionnaire.objects.create(key="neu", title="Neu")
    section = Section.objects.create(questionnaire=draft, slug="a", title="A")
    Indicator.objects.create(section=section, code="A1", statement="…")
    client.force_login(staff)
    response = client.post(
        "/admin/selfcheck/questionnaire/",
        {"action": "publish", "_selected_action": [draft.pk]},
        follow=True,
    )
    assert "Es gibt noch keine Stufen" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Questionnaire.Status.DRAFT
    assert questionnaire.status == Questionnaire.Status.PUBLISHED


def test_yaml_download_from_the_admin(client, staff):
    questionnaire = make_questionnaire()
    client.force_login(staff)
    response = client.post(
        "/admin/selfcheck/questionnaire/",
        {"action": "export_yaml", "_selected_action": [questionnaire.pk]},
    )
    assert response["Content-Type"].startswith("application/yaml")
    assert "code: F1.1" in response.content.decode()

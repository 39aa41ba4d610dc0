"""Rounds: starting, inviting, joining, answering (autosave and without JavaScript), closing."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from selfcheck import services
from selfcheck.models import Answer, Indicator, Participant, Round, Scale
from tests.factories import MunicipalityFactory, UserFactory

from .builders import join, make_questionnaire, make_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def questionnaire():
    return make_questionnaire()


@pytest.fixture
def round_(questionnaire):
    return make_round(questionnaire)


def coordinator_of(round_):
    return round_.created_by


def section_url(round_, slug="f1"):
    return f"/selbstcheck/runden/{round_.pk}/fragen/{slug}/"


def test_coordinator_starts_a_round_and_takes_part(client, questionnaire):
    municipality = MunicipalityFactory(name="Jena")
    coordinator = UserFactory(municipality=municipality, is_coordinator=True)
    client.force_login(coordinator)
    page = client.get("/selbstcheck/").content.decode()
    assert "Neue Runde beginnen" in page
    response = client.post(
        "/selbstcheck/runden/neu/",
        {"questionnaire": questionnaire.pk, "title": "Selbstcheck 2026", "department": "jugendamt"},
    )
    round_ = Round.objects.get()
    assert response.status_code == 302 and response.url == round_.get_absolute_url()
    assert round_.municipality == municipality and round_.is_open
    assert round_.participants.get().user == coordinator


def test_only_coordinators_start_rounds(client, member, questionnaire):
    client.force_login(member)
    assert "Neue Runde beginnen" not in client.get("/selbstcheck/").content.decode()
    response = client.post(
        "/selbstcheck/runden/neu/",
        {"questionnaire": questionnaire.pk, "title": "X", "department": "jugendamt"},
    )
    assert response.status_code == 403
    assert not Round.objects.exists()


def test_start_form_errors_are_german_and_save_nothing(client, questionnaire):
    coordinator = UserFactory(municipality=MunicipalityFactory(), is_coordinator=True)
    client.force_login(coordinator)
    response = client.post("/selbstcheck/runden/neu/", {"questionnaire": questionnaire.pk})
    assert response.status_code == 400
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()
    assert not Round.objects.exists()


def test_invite_join_and_answer(client, round_, mailoutbox, django_capture_on_commit_callbacks):
    client.force_login(coordinator_of(round_))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/selbstcheck/runden/{round_.pk}/einladen/", {"email": "sozial@example.org"}
        )
    assert response.status_code == 302
    (mail,) = mailoutbox
    assert mail.subject.startswith("Einladung: Selbstcheck 2026")
    invitation = Participant.objects.get(email="sozial@example.org")
    assert f"/selbstcheck/einladung/{invitation.token}/" in mail.body
    # The same address twice: a clear message, nothing new.
    response = client.post(
        f"/selbstcheck/runden/{round_.pk}/einladen/", {"email": "SOZIAL@example.org"}
    )
    assert response.status_code == 400
    assert "ist bereits eingeladen" in response.content.decode()

    colleague = UserFactory(name="Sofia Sozial")
    client.force_login(colleague)
    url = f"/selbstcheck/einladung/{invitation.token}/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"department": ""}).status_code == 400
    response = client.post(url, {"department": "sozialamt"})
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.user == colleague and invitation.department == "sozialamt"
    assert client.get(f"/selbstcheck/runden/{round_.pk}/").status_code == 200
    # Somebody else cannot use the same link.
    client.force_login(UserFactory())
    response = client.post(url, {"department": "kita"})
    assert response.status_code == 410
    assert "schon von einer anderen Person angenommen" in response.content.decode()


def test_invitation_needs_login_and_a_known_token(client, round_):
    invitation = Participant.objects.create(round=round_, email="x@example.org")
    response = client.get(f"/selbstcheck/einladung/{invitation.token}/")
    assert response.status_code == 302 and "/konto/login/" in response.url
    client.force_login(UserFactory())
    assert client.get("/selbstcheck/einladung/falsch/").status_code == 404


def test_answer_page_shows_one_field_with_the_scale(client, round_):
    client.force_login(coordinator_of(round_))
    response = client.get(f"/selbstcheck/runden/{round_.pk}/fragen/")
    assert response.status_code == 302 and response.url == section_url(round_)
    html = client.get(section_url(round_)).content.decode()
    assert "Handlungsfeld 1" in html and "Aussage 1.1" in html and "Aussage 2.1" not in html
    for label in ("trifft nicht zu", "trifft eher nicht zu", "trifft eher zu", "trifft voll zu"):
        assert label in html
    assert "weiß nicht" in html
    assert "hx-post" in html  # autosave where JavaScript runs


def test_autosave_of_one_answer(client, round_):
    participant = round_.participants.get()
    indicator = Indicator.objects.get(code="F1.2")
    client.force_login(coordinator_of(round_))
    url = f"{section_url(round_)}{indicator.pk}/"
    response = client.post(
        url,
        {f"i{indicator.pk}": "3", f"c{indicator.pk}": "Nur im Jugendamt."},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Gespeichert" in response.content.decode()
    assert 'hx-swap-oob="true"' in response.content.decode()  # the progress bar follows
    answer = Answer.objects.get(participant=participant, indicator=indicator)
    assert (answer.value, answer.comment) == (3, "Nur im Jugendamt.")
    # Changing it keeps one answer.
    client.post(url, {f"i{indicator.pk}": "0"}, HTTP_HX_REQUEST="true")
    assert Answer.objects.get(participant=participant, indicator=indicator).value == Scale.DONT_KNOW
    assert Answer.objects.count() == 1


def test_answer_off_the_scale_is_refused(client, round_):
    indicator = Indicator.objects.get(code="F1.1")
    client.force_login(coordinator_of(round_))
    for bad in ("5", "-1", "drei", "3.5"):
        response = client.post(
            f"{section_url(round_)}{indicator.pk}/",
            {f"i{indicator.pk}": bad},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 400, bad
        assert "Keine gültige Antwort." in response.content.decode()
    assert not Answer.objects.exists()
    with pytest.raises(ValidationError):
        services.answer_save(participant=round_.participants.get(), indicator=indicator, value=7)
    assert not Answer.objects.exists()


def test_answer_to_an_indicator_of_another_version_is_refused(client, round_):
    other = make_questionnaire(key="anderer")
    foreign = Indicator.objects.get(questionnaire=other, code="F1.1")
    client.force_login(coordinator_of(round_))
    response = client.post(
        f"{section_url(round_)}{foreign.pk}/", {f"i{foreign.pk}": "2"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    assert "gehört nicht zum Fragebogen dieser Runde" in response.content.decode()
    assert not Answer.objects.exists()


def test_whole_page_saves_without_javascript(client, round_):
    ids = list(Indicator.objects.filter(code__startswith="F1.").values_list("pk", flat=True))
    client.force_login(coordinator_of(round_))
    data = {f"i{ids[0]}": "4", f"i{ids[1]}": "1", f"c{ids[1]}": "Fehlt ganz.", "weiter": "f2"}
    response = client.post(section_url(round_), data)
    assert response.status_code == 302 and response.url == section_url(round_, "f2")
    assert dict(Answer.objects.values_list("indicator_id", "value")) == {ids[0]: 4, ids[1]: 1}
    html = client.get(section_url(round_)).content.decode()
    assert "checked" in html and "Fehlt ganz." in html


def test_one_bad_answer_stores_nothing_of_the_page(client, round_):
    ids = list(Indicator.objects.filter(code__startswith="F1.").values_list("pk", flat=True))
    client.force_login(coordinator_of(round_))
    response = client.post(section_url(round_), {f"i{ids[0]}": "4", f"i{ids[1]}": "9"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nichts gespeichert" in html
    assert "Bitte wählen Sie eine Antwort auf der Skala." in html
    assert not Answer.objects.exists()


def test_conditional_indicator_appears_only_after_its_answer(client, round_):
    trigger = Indicator.objects.get(code="F1.1")
    dependent = Indicator.objects.get(code="F1.3")
    dependent.condition_indicator = trigger
    dependent.condition_values = [3, 4]
    dependent.save()
    client.force_login(coordinator_of(round_))
    assert "Aussage 1.3" not in client.get(section_url(round_)).content.decode()
    response = client.post(
        f"{section_url(round_)}{trigger.pk}/", {f"i{trigger.pk}": "4"}, HTTP_HX_REQUEST="true"
    )
    assert response["HX-Refresh"] == "true"
    assert "Aussage 1.3" in client.get(section_url(round_)).content.decode()


def test_progress_per_field_and_overall(client, round_):
    participant = round_.participants.get()
    for indicator in Indicator.objects.filter(code__startswith="F1."):
        services.answer_save(participant=participant, indicator=indicator, value=2)
    client.force_login(coordinator_of(round_))
    html = client.get(f"/selbstcheck/runden/{round_.pk}/").content.decode()
    assert 'value="50"' in html  # overall: 3 of 6
    assert 'value="100"' in html  # Handlungsfeld 1 complete


def test_coordinator_sees_who_answered_and_reminds_the_rest(
    client, round_, mailoutbox, django_capture_on_commit_callbacks
):
    slow = join(round_, UserFactory(name="Lotte Langsam", email="lotte@example.org"), "kita")
    done = join(round_, UserFactory(name="Fritz Fertig"), "sozialamt")
    for indicator in Indicator.objects.filter(questionnaire=round_.questionnaire):
        services.answer_save(participant=done, indicator=indicator, value=3)
    client.force_login(coordinator_of(round_))
    html = client.get(f"/selbstcheck/runden/{round_.pk}/").content.decode()
    assert "Lotte Langsam" in html and "Fritz Fertig" in html and "6/6" in html
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/selbstcheck/runden/{round_.pk}/erinnern/")
    recipients = sorted(mail.to[0] for mail in mailoutbox)
    assert "lotte@example.org" in recipients
    assert done.email not in recipients
    slow.refresh_from_db()
    assert slow.reminded_at is not None
    # The same day again: nobody is reminded twice.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/selbstcheck/runden/{round_.pk}/erinnern/", follow=True)
    assert "Niemand zu erinnern" in response.content.decode()
    assert mailoutbox == []


def test_closing_makes_the_round_read_only_and_keeps_its_results(client, round_):
    participant = round_.participants.get()
    indicator = Indicator.objects.get(code="F1.1")
    services.answer_save(participant=participant, indicator=indicator, value=4)
    client.force_login(coordinator_of(round_))
    assert client.get(f"/selbstcheck/runden/{round_.pk}/abschliessen/").status_code == 200
    response = client.post(f"/selbstcheck/runden/{round_.pk}/abschliessen/")
    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.status == Round.Status.CLOSED and round_.closed_at
    assert round_.results["overall"] == 100
    with pytest.raises(ValidationError):
        services.answer_save(participant=participant, indicator=indicator, value=1)
    response = client.post(
        f"{section_url(round_)}{indicator.pk}/", {f"i{indicator.pk}": "1"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 409
    assert client.post(section_url(round_), {f"i{indicator.pk}": "1"}).status_code == 409
    assert Answer.objects.get().value == 4
    html = client.get(section_url(round_)).content.decode()
    assert "nur noch zu lesen" in html and "disabled" in html


def test_only_coordinators_close(client, round_):
    colleague = UserFactory()
    join(round_, colleague, "kita")
    client.force_login(colleague)
    assert client.post(f"/selbstcheck/runden/{round_.pk}/abschliessen/").status_code == 403
    with pytest.raises(PermissionDenied):
        services.round_close(round_=round_, by=colleague)
    round_.refresh_from_db()
    assert round_.is_open


def test_new_round_starts_prefilled_from_the_previous_one(client, round_, questionnaire):
    coordinator = coordinator_of(round_)
    participant = round_.participants.get()
    services.answer_save(
        participant=participant, indicator=Indicator.objects.get(code="F2.1"), value=3
    )
    services.round_close(round_=round_, by=coordinator)
    newer = services.questionnaire_new_version(questionnaire=questionnaire)
    services.questionnaire_publish(questionnaire=newer)
    second = services.round_start(
        user=coordinator, questionnaire=newer, title="Selbstcheck 2027", department="jugendamt"
    )
    assert second.previous == round_
    (answer,) = Answer.objects.filter(participant__round=second)
    assert (answer.indicator.code, answer.indicator.questionnaire, answer.value) == (
        "F2.1",
        newer,
        3,
    )
    # History is kept: the closed round and its answers are untouched.
    assert Answer.objects.filter(participant__round=round_).count() == 1


def test_answer_page_queries_do_not_grow_with_the_answers(client, questionnaire):
    round_ = make_round(questionnaire)
    client.force_login(coordinator_of(round_))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(section_url(round_)).status_code == 200
        return len(queries)

    empty = count()
    others = [join(round_, UserFactory(), "kita") for _ in range(20)]
    Answer.objects.bulk_create(
        Answer(participant=person, indicator=indicator, value=2)
        for person in [*others, round_.participants.get(user=coordinator_of(round_))]
        for indicator in Indicator.objects.filter(questionnaire=questionnaire)
    )
    assert count() == empty


def test_my_data_lists_my_answers(client, round_):
    participant = round_.participants.get()
    services.answer_save(
        participant=participant,
        indicator=Indicator.objects.get(code="F1.1"),
        value=1,
        comment="Kaum Austausch.",
    )
    client.force_login(coordinator_of(round_))
    data = client.get("/profil/daten/").json()["selbstcheck"]
    assert data[0]["antworten"][0] == {
        "indikator": "F1.1",
        "antwort": "trifft nicht zu",
        "kommentar": "Kaum Austausch.",
    }


def test_stale_reminder_interval_allows_a_new_reminder(round_, mailoutbox):
    slow = join(round_, UserFactory(), "kita")
    Participant.objects.filter(pk=slow.pk).update(reminded_at=timezone.now() - timedelta(days=2))
    assert services.round_remind(round_=round_, by=coordinator_of(round_)) == 2


def test_too_long_invite_address_is_a_german_form_error_not_a_500(client, round_):
    # Found by tests/k360/test_form_fuzz.py: the column holds 254 characters.
    client.force_login(coordinator_of(round_))
    response = client.post(
        f"/selbstcheck/runden/{round_.pk}/einladen/", {"email": "a" * 250 + "@example.org"}
    )
    assert response.status_code == 400
    assert "höchstens 254 Zeichen" in response.content.decode()
    assert round_.participants.count() == 1


def test_invitation_link_with_a_nul_byte_is_a_clear_404_not_a_500(client, member):
    # Found by tests/k360/test_form_fuzz.py: PostgreSQL refuses a NUL in a query.
    client.force_login(member)
    response = client.post("/selbstcheck/einladung/a%00b/", {"department": "sozialamt"})
    assert response.status_code == 404
    assert "Diese Einladung gibt es nicht (mehr)." in response.content.decode()

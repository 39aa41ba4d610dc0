"""Flags, the moderation queue, notifications and the Meinungsbild."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from forums.models import Comment, Flag
from forums.services import comment_create, comment_flag, subscription_set
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def flag(client, comment, reason="spam", text=""):
    return client.post(f"/kommentare/{comment.pk}/melden/", {"reason": reason, "text": text})


def test_three_flags_from_different_members_hide_the_comment(client, thesis, make_comment):
    comment = make_comment(thesis, text="Kauft Pillen!")
    flaggers = [UserFactory() for _ in range(3)]
    for number, flagger in enumerate(flaggers):
        client.force_login(flagger)
        assert flag(client, comment).status_code == 302
        comment.refresh_from_db()
        assert comment.state == ("pending" if number == 2 else "visible")
    client.logout()
    html = client.get(thesis.get_absolute_url()).content.decode()
    assert "Kauft Pillen!" not in html
    assert "wird von der Moderation geprüft" in html


def test_the_same_member_flags_once(member, thesis, make_comment):
    comment = make_comment(thesis)
    comment_flag(comment=comment, member=member, reason="spam")
    with pytest.raises(ValidationError, match="bereits gemeldet"):
        comment_flag(comment=comment, member=member, reason="beleidigung")
    assert Comment.objects.get(pk=comment.pk).flag_count == 1


def test_other_reason_needs_text_and_own_comments_cannot_be_flagged(
    member_client, member, thesis, make_comment
):
    comment = make_comment(thesis)
    response = flag(member_client, comment, reason="sonstiges")
    assert "Bitte beschreiben Sie kurz" in response.content.decode()
    assert not Flag.objects.exists()
    own = make_comment(thesis, author=member)
    response = flag(member_client, own)
    assert "Eigene Beiträge" in response.content.decode()
    assert not Flag.objects.exists()


def test_moderation_queue_is_for_the_moderation_group(
    member_client, moderator, thesis, make_comment
):
    client = Client()
    comment = make_comment(thesis)
    comment_flag(comment=comment, member=UserFactory(), reason="falschinformation")
    assert member_client.get("/moderation/").status_code == 403
    assert client.get("/moderation/").status_code == 302
    client.force_login(moderator)
    page = client.get("/moderation/")
    assert page.status_code == 200
    assert "Falschinformation" in page.content.decode()


def test_hiding_with_a_reason_tells_the_author(
    client, moderator, thesis, make_comment, mailoutbox, django_capture_on_commit_callbacks
):
    author = UserFactory(email="autorin@example.org")
    comment = make_comment(thesis, author=author, text="Unfreundlich")
    client.force_login(moderator)
    response = client.post(f"/moderation/{comment.pk}/ausblenden/", {"reason": ""})
    assert Comment.objects.get(pk=comment.pk).state == "visible"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/moderation/{comment.pk}/ausblenden/", {"reason": "Bitte sachlich bleiben."}
        )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.state == "hidden"
    assert comment.moderated_by == moderator
    [mail] = mailoutbox
    assert mail.to == ["autorin@example.org"]
    assert "Bitte sachlich bleiben." in mail.body
    assert "ausgeblendet" in mail.subject
    client.logout()
    html = client.get(thesis.get_absolute_url()).content.decode()
    assert "Unfreundlich" not in html
    assert "von der Moderation ausgeblendet" in html


def test_restore_and_mark_reviewed(client, moderator, thesis, make_comment):
    pending = make_comment(thesis)
    Comment.objects.filter(pk=pending.pk).update(state="pending", flag_count=3)
    ok = make_comment(thesis)
    comment_flag(comment=ok, member=UserFactory(), reason="spam")
    client.force_login(moderator)
    client.post(f"/moderation/{pending.pk}/wiederherstellen/")
    client.post(f"/moderation/{ok.pk}/geprueft/")
    assert Comment.objects.get(pk=pending.pk).state == "visible"
    assert Comment.objects.get(pk=ok.pk).reviewed
    assert "Keine offenen Meldungen" in client.get("/moderation/").content.decode()


def test_members_cannot_moderate(member_client, thesis, make_comment):
    comment = make_comment(thesis)
    response = member_client.post(f"/moderation/{comment.pk}/ausblenden/", {"reason": "weg"})
    assert response.status_code == 403
    assert Comment.objects.get(pk=comment.pk).state == "visible"


def test_reply_notifies_the_author_but_never_oneself(
    thesis, make_comment, mailoutbox, django_capture_on_commit_callbacks
):
    anna = UserFactory(name="Anna", email="anna@example.org")
    ben = UserFactory(name="Ben", email="ben@example.org")
    root = make_comment(thesis, author=anna)
    with django_capture_on_commit_callbacks(execute=True):
        comment_create(author=ben, target=thesis, text="Gute Idee, Anna!", parent=root)
    [mail] = mailoutbox
    assert mail.to == ["anna@example.org"]
    assert mail.subject == "Ben hat auf Ihren Beitrag geantwortet"
    assert "Gute Idee, Anna!" in mail.body
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        comment_create(author=anna, target=thesis, text="Ich ergänze mich selbst.", parent=root)
    assert mailoutbox == []


def test_reply_notification_respects_the_opt_out(
    thesis, make_comment, mailoutbox, django_capture_on_commit_callbacks
):
    quiet = UserFactory(notify_replies=False)
    root = make_comment(thesis, author=quiet)
    with django_capture_on_commit_callbacks(execute=True):
        comment_create(author=UserFactory(), target=thesis, text="Hallo", parent=root)
    assert mailoutbox == []


def test_subscribers_hear_of_new_comments_once(
    topic, member, make_comment, mailoutbox, django_capture_on_commit_callbacks
):
    follower = UserFactory(email="folgt@example.org")
    topic.forum.members.add(follower)
    subscription_set(user=follower, target=topic, subscribed=True)
    subscription_set(user=member, target=topic, subscribed=True)
    with django_capture_on_commit_callbacks(execute=True):
        comment_create(author=member, target=topic, text="Neues im Thema")
    assert [m.to for m in mailoutbox] == [["folgt@example.org"]]
    assert "Neuer Beitrag" in mailoutbox[0].subject


def test_meinungsbild_counts_stances_by_sector(client, thesis, make_comment):
    make_comment(thesis, author=UserFactory(sector="politik"), stance="gegenrede")
    make_comment(thesis, author=UserFactory(sector="politik"), stance="zustimmung")
    make_comment(thesis, author=UserFactory(sector="verwaltung"), stance="zustimmung")
    root = make_comment(thesis, author=UserFactory(sector="wissenschaft"), stance="ergaenzung")
    make_comment(thesis, parent=root)  # replies do not count
    hidden = make_comment(thesis, stance="gegenrede")
    Comment.objects.filter(pk=hidden.pk).update(state="hidden")
    context = client.get(thesis.get_absolute_url()).context
    mb = context["meinungsbild"]
    assert mb.total == 4
    counts = {key: count for key, _label, count, _pct in mb.by_stance}
    assert counts == {"zustimmung": 2, "ergaenzung": 1, "gegenrede": 1}
    html = client.get(thesis.get_absolute_url()).content.decode()
    assert "<svg" in html
    assert "Meinungsbild in Zahlen" in html

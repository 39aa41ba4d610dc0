import re

import pytest
from playwright.sync_api import expect

from selfcheck.models import Answer
from tests.factories import MunicipalityFactory, UserFactory
from tests.selfcheck.builders import make_questionnaire, make_round

pytestmark = pytest.mark.django_db(transaction=True)


def test_answering_saves_each_answer_as_it_is_given(page, axe, login):
    round_ = make_round(make_questionnaire())
    login(round_.created_by)
    page.goto(f"/selbstcheck/runden/{round_.pk}/fragen/f1/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Handlungsfeld 1")
    axe(page)
    first = page.get_by_role("group", name=re.compile("F1.1"))
    # By keyboard: focus the first choice, pick "trifft eher zu" with the arrow keys.
    first.get_by_label("trifft nicht zu").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(first.get_by_text(re.compile("Gespeichert"))).to_be_visible()
    expect(page.locator("#fortschritt progress")).to_have_attribute("value", "17")
    page.get_by_role("group", name=re.compile("F1.2")).get_by_label("weiß nicht").check()
    expect(
        page.get_by_role("group", name=re.compile("F1.2")).get_by_text(re.compile("Gespeichert"))
    ).to_be_visible()
    comment = first.get_by_label(re.compile("Kommentar"))
    comment.fill("Nur im Jugendamt so.")
    comment.press("Tab")
    expect(first.get_by_text(re.compile("Gespeichert"))).to_be_visible()
    page.wait_for_function("() => document.querySelectorAll('.save-status').length >= 2")
    page.reload()
    expect(first.get_by_label("trifft eher zu")).to_be_checked()
    expect(comment).to_have_value("Nur im Jugendamt so.")
    axe(page)
    assert sorted(Answer.objects.values_list("value", flat=True)) == [0, 3]


def test_starting_a_round_with_a_missing_title_shows_the_error(page, axe, login):
    make_questionnaire()
    coordinator = UserFactory(municipality=MunicipalityFactory(), is_coordinator=True)
    login(coordinator)
    page.goto("/selbstcheck/")
    page.get_by_label("Titel der Runde").fill("")
    page.get_by_role("button", name="Runde beginnen").click()
    expect(page.get_by_text("Dieses Feld ist zwingend erforderlich.").first).to_be_visible()
    axe(page)
    page.get_by_label("Titel der Runde").fill("Selbstcheck 2026")
    page.get_by_label("Ihr Fachbereich").select_option(label="Jugendamt")
    page.get_by_role("button", name="Runde beginnen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Selbstcheck 2026")
    axe(page)

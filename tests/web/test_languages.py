"""Each person's language: chosen in My account, else the browser's, else DEFAULT_LOCALE;
dates, times and numbers formatted for it in the coalition's time zone."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from flask_babel import force_locale

from housing_service.extensions import db
from housing_service.i18n import day_text, language_name, moment_text, number_text, time_text
from housing_service.models import User
from tests.web.world import text_of

pytestmark = pytest.mark.usefixtures("frozen_clock")


def lang_of(response) -> str:
    found = re.search(r'<html lang="([^"]+)">', response.get_data(as_text=True))
    assert found, "no lang attribute on <html>"
    return found.group(1)


def test_without_a_choice_the_page_speaks_the_browsers_language_else_the_default(pages, world):
    me = pages(world.advocate)
    assert lang_of(me.get("/account")) == "en"
    spanish = me.get("/account", headers={"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"})
    assert lang_of(spanish) == "es" and "<h1>Mi cuenta</h1>" in text_of(spanish)
    vietnamese = me.get("/account", headers={"Accept-Language": "vi"})
    assert lang_of(vietnamese) == "vi" and "<h1>Tài khoản của tôi</h1>" in text_of(vietnamese)
    # A language the coalition doesn't offer: DEFAULT_LOCALE.
    assert lang_of(me.get("/account", headers={"Accept-Language": "de"})) == "en"
    # Not signed in too: the sign-in page.
    assert "<h1>Iniciar sesión</h1>" in text_of(
        pages(None).get("/sign-in", headers={"Accept-Language": "es"})
    )


def test_a_person_chooses_a_language_in_my_account_and_it_beats_the_browser(pages, make, world):
    me = pages(world.advocate)
    page = text_of(me.get("/account"))
    # Each language is named in itself, so that a person finds their own.
    for code, name in (("en", "English"), ("es", "español"), ("vi", "Tiếng Việt")):
        assert f'value="{code}"' in page and name in page
    answer = me.post("/account/language", {"locale": "es"})
    assert answer.status_code == 303
    assert make.reload(User, world.advocate.id).locale == "es"
    shown = me.get("/account", headers={"Accept-Language": "vi"})
    assert lang_of(shown) == "es"
    assert "Su idioma quedó guardado" in text_of(shown)  # said in the language just chosen
    assert re.search(r'<input checked[^>]* value="es">', text_of(shown))

    me.post("/account/language", {"locale": ""})  # back to the browser's
    assert make.reload(User, world.advocate.id).locale is None
    assert lang_of(me.get("/account", headers={"Accept-Language": "vi"})) == "vi"


def test_a_language_not_offered_is_refused_and_nothing_changes(pages, make, world):
    me = pages(world.advocate)
    me.post("/account/language", {"locale": "vi"})
    refused = me.post("/account/language", {"locale": "de"})
    assert refused.status_code == 422
    # Said in the person's language (the field's name; WTForms' own words are phase 2's).
    assert '<li><a href="#locale">Ngôn ngữ: ' in text_of(refused)
    assert make.reload(User, world.advocate.id).locale == "vi"


def _set_locale(app, user_id: int, code: str) -> None:
    with app.app_context():
        db.session.get(User, user_id).locale = code
        db.session.commit()


def test_a_choice_no_longer_offered_falls_back_to_the_browser(app, pages, world):
    _set_locale(app, world.advocate.id, "tl")  # offered once, since removed
    assert lang_of(pages(world.advocate).get("/account", headers={"Accept-Language": "es"})) == "es"


def test_dates_times_numbers_and_language_names_follow_the_language_in_the_coalitions_time_zone(app):
    evening = datetime(2027, 4, 30, 2, 5, tzinfo=UTC)  # 7:05 pm on Thu 29 April in California
    with app.test_request_context("/"):
        assert day_text(date(2027, 4, 29)) == "Thu, Apr 29, 2027"
        assert time_text(evening) == "7:05\u202fPM"
        assert moment_text(evening, date(2027, 4, 28)) == "7:05\u202fPM tomorrow"
        assert number_text(12345) == "12,345"
        with force_locale("es"):
            assert day_text(date(2027, 4, 29)) == "jue, 29 abr 2027"
            assert moment_text(evening, date(2027, 4, 29)) == "hoy a las 19:05"
            assert moment_text(evening, date(2027, 4, 1)) == "19:05 del jue, 29 abr 2027"
            assert number_text(12345) == "12.345"
            assert language_name("vi") == "vietnamita"
        with force_locale("vi"):
            assert day_text(date(2027, 4, 29)) == "Thứ 5, 29 thg 4, 2027"
            assert moment_text(evening, date(2027, 4, 29)) == "19:05 hôm nay"
            assert language_name("es") == "Tiếng Tây Ban Nha"


def test_the_api_says_which_language_a_person_chose(app, api, world):
    _set_locale(app, world.partner.id, "vi")
    answer = api(world.partner).get("/api/v1/users/me")
    assert answer.status_code == 200 and answer.get_json()["locale"] == "vi"


def test_every_page_of_a_person_who_chose_a_language_speaks_it(pages, world):
    me = pages(world.advocate)
    me.post("/account/language", {"locale": "es"})
    for path in ("/account", "/account/two-step", "/no-such-page"):
        assert lang_of(me.get(path)) == "es", path

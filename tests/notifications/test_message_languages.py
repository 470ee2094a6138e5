"""Each message is written in its recipient's language (the one they chose, else DEFAULT_LOCALE)."""

from __future__ import annotations

from types import SimpleNamespace

from housing_service.models import Flag, FlagKind
from housing_service.notifications import messages
from housing_service.translation import words_for


def test_a_flag_message_speaks_the_recipients_language(app):
    flag = Flag(kind=FlagKind.REFERRAL_UNANSWERED, referral_id=5)
    zone = "America/Los_Angeles"
    with app.app_context():
        spanish = messages.about_flag(flag, SimpleNamespace(id=1, locale="es"), None, zone)
        vietnamese = messages.about_flag(flag, SimpleNamespace(id=2, locale="vi"), None, zone)
        nobody = messages.about_flag(flag, SimpleNamespace(id=3, locale=None), None, zone)
    assert spanish.subject == "Una remisión no recibió respuesta a tiempo"
    assert spanish.text == "housing_service: una remisión no recibió respuesta a tiempo. Abra:"
    assert vietnamese.subject == "Một giới thiệu không được trả lời kịp"
    assert nobody.subject == "A referral was not answered in time"  # DEFAULT_LOCALE
    assert spanish.link == vietnamese.link == "/referrals/5"


def test_texts_keep_the_reply_words_the_texting_service_reads():
    for code in ("es", "vi"):
        translated = words_for(code).gettext(
            "housing_service: please confirm availability at site %(site_id)s. Reply CONFIRM if nothing"
            " changed, or BEDS and the number free tonight. Or open:",
            site_id=9,
        )
        assert "CONFIRM" in translated and "BEDS" in translated and " 9" in translated

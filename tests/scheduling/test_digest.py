"""The daily digest, sent to a real SMTP server on 127.0.0.1 (aiosmtpd)."""

from datetime import timedelta

from housing_service.models import Flag

from .conftest import noon


def test_each_case_manager_gets_one_digest_with_client_codes_only(run, make, stay_world, smtp):
    from housing_service.models import Role

    alias_client = make.client(
        case_manager=stay_world.case_manager, alias="Rosa", avoid_area_ids=[stay_world.site.area_id]
    )
    other_manager = make.user(Role.CASE_MANAGER)
    other_client = make.client(case_manager=other_manager)
    for survivor in (alias_client, other_client):
        make.placement(
            survivor, make.space(stay_world.site), stay_world.site, stay_world.start, stay_world.partner
        )
    run("stay_review", noon(stay_world.end - timedelta(days=14)))
    report = run("daily_digest", noon(stay_world.end - timedelta(days=14)))
    assert report.outcome.records_changed == 2
    by_recipient = {message["To"]: message for message in smtp.messages}
    assert set(by_recipient) == {stay_world.case_manager.email, other_manager.email}
    body = by_recipient[stay_world.case_manager.email].get_content()
    assert stay_world.client.code in body and alias_client.code in body
    assert other_client.code not in body
    assert "Rosa" not in body and "Test Street" not in body  # no alias, no address
    assert "Stay nearing its end" in body
    assert make.count(Flag) == 3


def test_flags_are_emailed_once(run, make, stay_world, smtp):
    run("stay_review", noon(stay_world.end - timedelta(days=14)))
    run("daily_digest", noon(stay_world.end - timedelta(days=14)))
    second = run("daily_digest", noon(stay_world.end - timedelta(days=13)))
    assert second.outcome.records_changed == 0 and len(smtp.messages) == 1


def test_without_smtp_settings_no_email_is_attempted(run, make, stay_world):
    run("stay_review", noon(stay_world.end - timedelta(days=14)))
    assert run("daily_digest", noon(stay_world.end - timedelta(days=14))).outcome.records_changed == 0

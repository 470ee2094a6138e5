"""Found in a review of issue 11, and fixed.

'Records never used for a stay' counts referrals by Referral.client_id, which the
referral job clears a day after a referral finishes: a made-up record's referrals vanish from
the admins' list (it shows 0) long before the record is old enough to be listed."""

from datetime import timedelta

from housing_service import clock
from housing_service.extensions import db
from housing_service.referrals.service import watch_referrals

from .conftest import NOW, send_referral


def test_unused_records_still_count_referrals_after_they_are_scrubbed(app, api, make, world):
    opened = NOW - timedelta(days=40)
    made_up = make.client(advocates=(world.advocate,), created_by_id=world.advocate.id, created_at=opened)
    with clock.frozen(opened + timedelta(days=1)):
        sent = send_referral(api(world.advocate), world, client_id=made_up.id).get_json()
        api(world.advocate).post(f"/api/v1/referrals/{sent['id']}/withdraw")
    scrub_at = opened + timedelta(days=3)
    with app.app_context(), clock.frozen(scrub_at):
        assert watch_referrals(scrub_at).scrubbed == 1
        db.session.commit()
    listed = api(world.admin).get("/api/v1/unused-records").get_json()["items"]
    row = next(item for item in listed if item["code"] == made_up.code)
    assert row["referrals_sent"] == 1

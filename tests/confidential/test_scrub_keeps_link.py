"""Found in a review of issue 11, and fixed.

a scrubbed referral clears client_id but keeps hold_id, and the hold names the record:
the 'counts only' referral still says which survivor asked which confidential site."""

from datetime import timedelta

from housing_service import clock
from housing_service.extensions import db
from housing_service.models import Hold, Referral
from housing_service.referrals.service import watch_referrals

from .conftest import NOW, send_referral


def test_a_scrubbed_referral_no_longer_links_to_the_survivors_record(app, api, make, world):
    sent = send_referral(api(world.advocate), world).get_json()
    accepted = (
        api(world.screened_partner)
        .post(f"/api/v1/referrals/{sent['id']}/accept", json={"space_id": world.screened_bed.id})
        .get_json()
    )
    api(world.advocate).post(f"/api/v1/holds/{accepted['hold_id']}/release", json={})
    later = NOW + timedelta(days=2)
    with app.app_context(), clock.frozen(later):
        assert watch_referrals(later).scrubbed == 1
        db.session.commit()
    kept = make.reload(Referral, sent["id"])
    assert kept.client_id is None
    linked = make.reload(Hold, kept.hold_id).client_id if kept.hold_id else None
    assert linked is None, "the scrubbed referral still leads to the survivor's record through its hold"

"""Found in a review of issue 11, and fixed.

a screened referral hides who the survivor is, but the hold its acceptance makes
shows the site's staff the survivor's record (code, id) before anyone has arrived."""

from datetime import timedelta

from housing_service import clock
from housing_service.extensions import db
from housing_service.services.hold_expiry import warn_and_expire_holds

from .conftest import NOW, send_referral


def _accepted(api, make, world):
    family = make.client(advocates=(world.advocate,), code="S-SECRET-CODE", alias="Secret Alias")
    referral = send_referral(api(world.advocate), world, client_id=family.id).get_json()
    accepted = api(world.screened_partner).post(
        f"/api/v1/referrals/{referral['id']}/accept", json={"space_id": world.screened_bed.id}
    )
    assert accepted.status_code == 200, accepted.get_json()
    return family, accepted.get_json()


def test_accepted_referral_hold_does_not_show_the_site_the_survivors_record_on_the_api(api, make, world):
    family, referral = _accepted(api, make, world)
    partner = api(world.screened_partner)
    answers = [
        partner.get("/api/v1/holds"),
        partner.get(f"/api/v1/holds/{referral['hold_id']}"),
    ]
    text = " ".join(a.get_data(as_text=True) for a in answers)
    assert family.code not in text and "Secret Alias" not in text
    assert all(item["client_id"] in (None, 0) for item in answers[0].get_json()["items"])


def test_accepted_referral_hold_does_not_show_the_survivors_code_on_the_sites_page(api, make, pages, world):
    family, _referral = _accepted(api, make, world)
    html = pages(world.screened_partner).get(f"/my-sites/{world.screened.id}").get_data(as_text=True)
    assert family.code not in html


def test_accepted_referral_hold_flags_do_not_name_the_survivor_to_the_site(app, api, make, world):
    family, _referral = _accepted(api, make, world)
    later = NOW + timedelta(hours=3, minutes=30)  # within an hour of the hold's end
    with app.app_context(), clock.frozen(later):
        warn_and_expire_holds(timedelta(minutes=60), later)
        db.session.commit()
    with clock.frozen(later):
        flags = api(world.screened_partner).get("/api/v1/flags").get_json()["items"]
    assert flags, "expected a 'hold ends soon' flag for the site's staff"
    assert family.code not in str(flags)


def test_a_referral_for_a_survivor_holding_a_bed_elsewhere_is_refused_up_front_not_at_the_site(
    api, make, world
):
    """The site can't accept it (the second-hold rule wants a reason the accept can't give), and
    its refusal tells the site's staff that this anonymous survivor holds a place elsewhere."""
    advocate = api(world.advocate)
    elsewhere = advocate.post(
        "/api/v1/holds", json={"client_id": world.client.id, "space_id": world.direct_beds[0].id}
    )
    assert elsewhere.status_code == 201
    sent = send_referral(advocate, world)
    if sent.status_code in (409, 422):
        return  # refused to the advocate, who can release the other hold first: fine
    accepted = api(world.screened_partner).post(
        f"/api/v1/referrals/{sent.get_json()['id']}/accept", json={"space_id": world.screened_bed.id}
    )
    assert accepted.status_code == 200, accepted.get_json()

"""Found in a review of issue 11, and fixed.

a referral for more nights than the site's stay limit is sent (201) and shown to
the site's staff with beds that 'fit', but every accept is refused (422, stay limit): it can only
time out. Refuse it at send, naming the rule, as a hold is refused."""

from .conftest import send_referral


def test_a_referral_beyond_the_sites_stay_limit_is_refused_when_sent(api, make, world):
    sent = send_referral(api(world.advocate), world, ends_on="2030-01-01")
    if sent.status_code == 201:
        accepted = api(world.screened_partner).post(
            f"/api/v1/referrals/{sent.get_json()['id']}/accept", json={"space_id": world.screened_bed.id}
        )
        assert accepted.status_code == 200, ("sent, but can never be accepted", accepted.get_json())
    else:
        assert sent.status_code == 422 and "ends_on" in sent.get_json()["errors"]

"""Found in a review of issue 11, and fixed.

a site made confidential after it was created (PATCH confidential: true, or the
admin page) stays 'direct', so its address is handed out on holds; a new confidential site and,
by migration 0007, every existing one are screened unless an admin says 'direct'."""

from housing_service.vocabulary import ReferralMode


def test_a_site_made_confidential_later_is_screened_unless_said_otherwise(api, make, world):
    site = make.site(organisation=world.screened_organisation, confidential=False, address="Open 1 Road")
    changed = api(world.admin).patch(f"/api/v1/sites/{site.id}", json={"confidential": True})
    assert changed.status_code == 200
    assert changed.get_json()["referral_mode"] == ReferralMode.SCREENED.value

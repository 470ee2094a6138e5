"""Found in a review of issue 11, and fixed.

the referral pages take ids without the API's range check: a huge id is a 500
(SQLite: OverflowError; PostgreSQL: integer out of range) instead of a 404/422."""

import pytest

HUGE = 10**20


def test_new_referral_page_with_a_huge_site_id_is_not_a_500(pages, world):
    response = pages(world.advocate).get(f"/referrals/new?site={HUGE}")
    assert response.status_code in (404, 422)


@pytest.mark.parametrize("field", ["site_id", "client_id"])
def test_sending_a_referral_from_the_page_with_a_huge_id_is_not_a_500(pages, world, field):
    data = {
        "site_id": world.screened.id,
        "client_id": world.client.id,
        "urgency": "tonight",
        "callback_phone": "+1 408 555 0142",
        field: HUGE,
    }
    response = pages(world.advocate).post("/referrals", data)
    assert response.status_code in (404, 422)

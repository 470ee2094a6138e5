"""Found in a review of issue 11, and fixed.

the hold page at a screened site. GET /holds/new?space=<screened bed> offers
a hold ("the address shows on your hold from the day of the first night"), and the POST's
refusal is reworded as "Someone has just held this bed..." instead of "send a referral"."""

from .conftest import SCREENED_ADDRESS


def test_holding_a_screened_bed_from_the_page_says_to_send_a_referral(pages, world):
    page = pages(world.advocate)
    offered = page.get(f"/holds/new?space={world.screened_bed.id}&client={world.client.id}")
    refused = page.post("/holds", {"client_id": world.client.id, "space_id": world.screened_bed.id})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert SCREENED_ADDRESS not in text + offered.get_data(as_text=True)
    assert "Someone has just held this bed" not in text and "send a referral" in text.lower()

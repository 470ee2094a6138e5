"""Found in a review of issue 11, and fixed.

an admin resumes a paused person's addresses with a blank note ('   '): the
Length(min=1) check passes, the note is stripped to '' and saved, and addresses resume with no
record of why. README: 'resume addresses with a note'."""

from housing_service.models import AddressRevealPause


def test_resuming_addresses_with_a_blank_note_is_refused(api, make, world):
    session = api(world.advocate)
    for bed in world.direct_beds[:4]:
        session.post(
            "/api/v1/holds",
            json={"client_id": world.client.id, "space_id": bed.id, "override_reason": "options"},
        )
    pause_id = api(world.admin).get("/api/v1/address-pauses").get_json()["items"][0]["id"]
    reviewed = api(world.admin).post(f"/api/v1/address-pauses/{pause_id}/review", json={"note": "   "})
    assert reviewed.status_code == 422
    assert make.reload(AddressRevealPause, pause_id).reviewed_at is None

"""Who opens a survivor's record, and who decides which case manager sees all of it."""

from housing_service.models import Client, Role

RECORD = {"age_group": "adult", "alias": "Rose"}


def test_an_advocate_opens_a_record_and_joins_its_case_team(api, make):
    advocate = make.user(Role.ADVOCATE)
    response = api(advocate).post("/api/v1/clients", json=RECORD)
    assert response.status_code == 201, response.get_json()
    record = response.get_json()
    assert record["case_manager_id"] is None
    assert api(advocate).get(f"/api/v1/clients/{record['id']}").get_json()["alias"] == "Rose"


def test_a_case_manager_who_opens_a_record_manages_the_case(api, make):
    manager = make.user(Role.CASE_MANAGER)
    record = api(manager).post("/api/v1/clients", json=RECORD).get_json()
    assert record["case_manager_id"] == manager.id


def test_only_case_managers_and_admins_name_the_case_manager(api, make):
    """The case manager named sees the whole record: advocates and partners don't choose them."""
    manager = make.user(Role.CASE_MANAGER)
    named = {**RECORD, "case_manager_id": manager.id}
    for role in (Role.ADVOCATE, Role.PARTNER):
        response = api(make.user(role)).post("/api/v1/clients", json=named)
        assert response.status_code == 403
        assert response.get_json()["message"] == "A case manager or an admin assigns the case manager."
    assert make.count(Client) == 0

    advocate = make.user(Role.ADVOCATE)
    client = make.client(advocates=(advocate,))
    refused = api(advocate).patch(f"/api/v1/clients/{client.id}", json={"case_manager_id": manager.id})
    assert refused.status_code == 403
    assert make.reload(Client, client.id).case_manager_id is None
    admin = make.user(Role.ADMIN)
    assigned = api(admin).patch(f"/api/v1/clients/{client.id}", json={"case_manager_id": manager.id})
    assert assigned.status_code == 200 and assigned.get_json()["case_manager_id"] == manager.id
    assert api(manager).get(f"/api/v1/clients/{client.id}").status_code == 200

"""Two people import the same file at the same moment: one creates, the other finds it all there."""

from __future__ import annotations

import threading

import pytest

from housing_service.models import Organisation, Role, Site, Space

from .helpers import API, dry_run, file_body, inventory_csv, site_row

CLIENTS = 4


@pytest.mark.postgres_only
def test_concurrent_imports_of_one_file_create_each_record_once(app, api, make):
    admin = make.user(Role.ADMIN)
    content = inventory_csv([site_row(), site_row(site="Bay House", organisation="Bay Light")])
    fingerprint = dry_run(api(admin), content).get_json()["fingerprint"]
    clients = [api(admin) for _ in range(CLIENTS)]
    start = threading.Barrier(CLIENTS)
    answers: list[dict] = [{}] * CLIENTS

    def race(index: int) -> None:
        start.wait()
        response = clients[index].post(f"{API}/apply", json=file_body(content, fingerprint=fingerprint))
        answers[index] = {**(response.get_json() or {}), "status": response.status_code}

    threads = [threading.Thread(target=race, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert [a["status"] for a in answers] == [200] * CLIENTS, answers
    created = sorted(a["counts"]["sites_created"] for a in answers)
    assert created == [0] * (CLIENTS - 1) + [2]
    assert (make.count(Organisation), make.count(Site), make.count(Space)) == (2, 2, 24)

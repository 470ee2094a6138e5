"""Statements per bed search, counted: the hot path must not grow round trips unnoticed.

A search by a bearer token whose lookup and page are kept (in this process, or in the shared
cache) reads the two revision numbers and nothing else; a page read afresh adds one statement
for the page's sites, one for their free spaces, one for the sites with their area and
organisation, and one for their languages.
"""

from __future__ import annotations

from housing_service.models import Role

from .statements import statements_sent

# Counted without BEGIN/COMMIT (SQLite's BEGIN is a statement, PostgreSQL's is not).
KEPT_SEARCH = 1  # the revisions
FRESH_PAGE = 4


def test_a_bed_search_by_token_costs_one_statement_when_kept_and_five_when_read_afresh(app, api, make):
    advocate = make.user(Role.ADVOCATE)
    for _ in range(3):
        site = make.site(languages=("en", "es"))
        make.space(site), make.space(site)
    token = api(advocate).post("/api/v1/tokens", json={"name": "search"}).get_json()["token"]
    client = app.test_client()
    bearer = {"Authorization": f"Bearer {token}"}

    def search(**params):
        answer = client.get("/api/v1/availability", query_string=params, headers=bearer)
        assert answer.status_code == 200, answer.get_json()
        return answer.get_json()

    search()  # the token's first use writes its last-used time: the accounts' revision moves
    search()  # the token's lookup is kept from here on
    with statements_sent(app, transaction_control=False) as fresh:
        assert len(search(language="es")["items"]) == 3
    with statements_sent(app, transaction_control=False) as kept:
        assert len(search(language="es")["items"]) == 3
    assert len(kept) == KEPT_SEARCH, kept
    assert len(fresh) == KEPT_SEARCH + FRESH_PAGE, fresh

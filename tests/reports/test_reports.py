"""The point-in-time count and the outcome reports: their numbers, their rules, who reads them."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest

from housing_service import clock
from housing_service.models import Extension, Role, UnmetSearch
from housing_service.reports import queries
from housing_service.reports.service import default_night, last_wednesday_of_january
from housing_service.vocabulary import HouseholdType, Tier

from .coalition import build, stay
from .test_suppression import determined_cells

TODAY = date(2026, 12, 1)
NOW = clock.start_of_day(TODAY, "America/Los_Angeles") + timedelta(hours=12)


@pytest.fixture(autouse=True)
def frozen_now():
    with clock.frozen(NOW):
        yield


def cells(table: dict) -> dict[tuple[str, str], object]:
    """{(row label, column): published value or "suppressed"} of an API table."""
    return {
        (row["label"], column): ("suppressed" if cell["suppressed"] else cell["value"])
        for row in table["rows"]
        for column, cell in zip(table["columns"], row["cells"], strict=True)
    }


def tables_of(body: dict) -> dict[str, dict]:
    return {table["name"]: table for table in body["tables"]}


def test_the_default_night_is_the_last_wednesday_of_january():
    assert last_wednesday_of_january(2026) == date(2026, 1, 28)
    assert last_wednesday_of_january(2025) == date(2025, 1, 29)
    assert default_night(date(2026, 12, 1)) == date(2026, 1, 28)
    assert default_night(date(2026, 1, 27)) == date(2025, 1, 29)  # this year's is still to come
    assert default_night(date(2026, 1, 28)) == date(2026, 1, 28)


def test_point_in_time_counts_people_sheltered_that_night(app, make, api):
    world = build(make)
    night = date(2026, 1, 28)
    stay(make, world, "shelter bed 0", date(2026, 1, 20))  # there
    stay(make, world, "shelter bed 1", date(2026, 1, 28))  # first night is the night: there
    stay(make, world, "shelter bed 2", date(2026, 1, 1), nights=27)  # left on the 28th: not there
    stay(make, world, "shelter unit", date(2026, 1, 1), children=["3-5", "6-12"])
    stay(make, world, "youth bed 0", date(2026, 1, 10), adults=0, children=["13-17"])
    stay(make, world, "transitional bed 0", date(2025, 12, 1))
    stay(make, world, "rrh unit", date(2025, 12, 1))  # long-term housing is not sheltered
    stay(make, world, "shelter bed 2", date(2026, 1, 29))  # the next night: not there
    with app.app_context():
        sheltered = {(str(t), h): (n, p, c) for t, h, n, p, c in queries.sheltered_on(night)}
        assert sheltered == {
            ("emergency", "single_adults"): (2, 2, 0),
            ("emergency", "adults_with_children"): (1, 3, 2),
            ("emergency", "minors_only"): (1, 1, 1),
            ("transitional", "single_adults"): (1, 1, 0),
        }
        assert dict((str(t), n) for t, n in queries.units_used_on(night)) == {"emergency": 1}
    response = api(world.case_manager).get("/api/v1/reports/point-in-time", query_string={"k": 2})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["parameters"] == {"night": night.isoformat()} and body["k"] == 2
    tables = tables_of(body)
    assert [row["label"] for row in tables["persons"]["rows"]] == ["Emergency", "Transitional", "Total"]
    persons = cells(tables["persons"])
    assert persons["Total", "Total"] == 7
    # The one person in transitional housing (1 < k) is hidden, and so is the emergency total
    # that would give it away (7 − 6).
    assert persons["Transitional", "Total"] == "suppressed" and persons["Emergency", "Total"] == "suppressed"
    assert persons["Emergency", "Only children"] == "suppressed"
    capacity = cells(tables["beds_and_units"])
    assert capacity["Emergency", "Beds"] == 3 + 4 + 3 + 2 and capacity["Emergency", "Units"] == 2
    # Beds used is the persons table's row total, published or hidden alike.
    assert capacity["Emergency", "Beds used"] == "suppressed" and capacity["Total", "Beds used"] == 7


def test_outcomes_for_a_period(app, make, api):
    world = build(make)
    first = stay(make, world, "shelter bed 0", date(2026, 1, 1), nights=40, destination=302)
    moved = stay(
        make, world, "transitional bed 0", date(2026, 2, 10), nights=100, destination=435, previous=first
    )
    stay(make, world, "rrh studio", date(2026, 5, 21), previous=moved)  # still there
    stay(
        make, world, "shelter bed 1", date(2026, 2, 1), nights=70, destination=422
    )  # past the 60-night limit
    stay(make, world, "shelter bed 2", date(2026, 3, 1), nights=5, destination=206)
    stay(make, world, "shelter unit", date(2026, 3, 1), nights=20, destination=8, children=["0-2"])
    stay(
        make, world, "youth bed 0", date(2026, 4, 1), nights=10, destination=17, adults=0, children=["13-17"]
    )
    stay(make, world, "shelter bed 0", date(2025, 1, 1), nights=20)  # before the period
    with app.app_context():
        from housing_service.extensions import db

        db.session.add_all(
            [
                UnmetSearch(
                    searched_on=date(2026, 3, 3),
                    tier=Tier.EMERGENCY,
                    household_type=HouseholdType.SINGLE_ADULTS,
                ),
                UnmetSearch(
                    searched_on=date(2026, 3, 4), tier=None, household_type=HouseholdType.ADULTS_WITH_CHILDREN
                ),
                UnmetSearch(
                    searched_on=date(2024, 3, 4), tier=None, household_type=HouseholdType.SINGLE_ADULTS
                ),
            ]
        )
        db.session.add(
            Extension(
                placement_id=first.id + 3,  # the stay past its limit (written 4th)
                previous_end_on=date(2026, 4, 2),
                new_end_on=date(2026, 4, 20),
                reason="Waiting for a place",
                approved_by="Director",
                recorded_by_id=world.admin.id,
                beyond_tier_limit=True,
                recorded_at=NOW - timedelta(days=200),
            )
        )
        db.session.commit()
    starts, ends = date(2026, 1, 1), date(2026, 11, 30)
    with app.app_context():
        served = {(str(t), h): (n, p) for t, h, n, p in queries.served(starts, ends)}
        assert served == {
            ("emergency", "single_adults"): (3, 3),
            ("emergency", "adults_with_children"): (1, 2),
            ("emergency", "minors_only"): (1, 1),
            ("transitional", "single_adults"): (1, 1),
            ("long_term", "single_adults"): (1, 1),
        }
        stays = queries.stays_in_period(starts, ends)
        lengths = {(bucket, str(t)): n for bucket, t, n in stays.lengths_of_stay()}
        # 5, 10 and 20 nights; 40; 70; 100; and 193 nights so far in the studio (to 30 November).
        assert lengths == {
            (0, "emergency"): 3,
            (1, "emergency"): 1,
            (2, "emergency"): 1,
            (3, "transitional"): 1,
            (4, "long_term"): 1,
        }
        exits = {(group, str(t)): n for group, t, n in stays.exits()}
        assert exits == {
            ("temporary", "emergency"): 1,  # 302: moved on to transitional housing
            ("permanent", "emergency"): 1,
            ("institutional", "emergency"): 1,
            ("unknown", "emergency"): 1,
            ("other", "emergency"): 1,  # 17: repatriated
            ("permanent", "transitional"): 1,
        }
        moves = {(str(a), str(b)): (n, days) for a, b, n, days in queries.moves_along_the_path(starts, ends)}
        assert moves == {("emergency", "transitional"): (1, 40), ("transitional", "long_term"): (1, 100)}
        assert {str(t): n for t, n in stays.stays_past_their_limit()} == {"emergency": 1}
        zone = "America/Los_Angeles"
        extensions = queries.extensions_recorded(
            starts, ends, clock.start_of_day(starts, zone), clock.start_of_day(ends + timedelta(days=1), zone)
        )
        assert [(str(t), n, beyond) for t, n, beyond in extensions] == [("emergency", 1, 1)]
        unmet = {(str(t) if t else None, str(h)): n for t, h, n in queries.unmet_searches(starts, ends)}
        assert unmet == {("emergency", "single_adults"): 1, (None, "adults_with_children"): 1}
        # Person-nights: 40+70+5+20*2+10 emergency; 100 transitional; 194 nights to the period's end.
        nights = {str(t): n for t, n in stays.person_nights()}
        assert nights == {"emergency": 165, "transitional": 100, "long_term": 194}
    body = (
        api(world.admin)
        .get("/api/v1/reports/outcomes", query_string={"from": "2026-01-01", "to": "2026-11-30", "k": 2})
        .get_json()
    )
    tables = tables_of(body)
    assert cells(tables["households_served"])["Total", "Total"] == 7  # one household counts in each tier
    assert cells(tables["exits"])["Total", "Total"] == 6
    assert cells(tables["moves"])["Total", "Moves"] == 2
    utilisation = cells(tables["utilisation"])
    beds = 3 + 4 + 3  # the shelter's beds, units at capacity
    assert utilisation["Emergency", "% of bed-nights used"] == round(100 * 165 / ((beds + 2) * 334), 1)


def test_k_two_publishes_ones_that_k_five_suppresses(app, make, api):
    world = build(make)
    for n in range(3):
        stay(make, world, f"shelter bed {n}", date(2026, 3, 1 + n), nights=10)
    for n in range(6):
        stay(make, world, f"shelter bed {n % 3}", date(2026, 4, 1) + timedelta(days=4 * n), nights=3)
    shown = lambda k: cells(  # noqa: E731
        tables_of(
            api(world.admin)
            .get(
                "/api/v1/reports/outcomes",
                query_string={"from": "2026-01-01", "to": "2026-11-30", "k": k, "table": "exits"},
            )
            .get_json()
        )["exits"]
    )
    assert shown(2)["Permanent", "Emergency"] == 9
    assert shown(10)["Permanent", "Emergency"] == "suppressed"


@pytest.mark.parametrize(
    ("path", "query", "field"),
    [
        ("outcomes", {"from": "2026-05-01", "to": "2026-04-30"}, "to"),
        ("outcomes", {"from": "2020-01-01", "to": "2025-01-01"}, "to"),  # more than 5 years
        ("outcomes", {"from": "2026-01-01", "to": "2026-12-02"}, "to"),  # ends after today
        ("outcomes", {"k": 1}, "k"),
        ("point-in-time", {"night": "2026-12-02"}, "night"),  # the future
        ("point-in-time", {"k": 0}, "k"),
        ("point-in-time", {"night": "1900-01-31"}, "night"),
        ("point-in-time", {"night": "someday"}, "night"),
        ("outcomes", {"table": "everything"}, "table.0"),
        ("outcomes", {"to": "0001-01-01"}, "to"),  # a year before it is before any date
        ("outcomes", {"from": "1969-06-01", "to": "1970-06-01"}, "from"),
        ("hmis-export", {"from": "2026-06-01", "to": "2026-05-01"}, "to"),
        ("hmis-export", {"night": "2027-01-27"}, "night"),
    ],
)
def test_bad_parameters_are_named(app, make, api, path, query, field):
    admin = make.user(Role.ADMIN)
    response = api(admin).get(f"/api/v1/reports/{path}", query_string=query)
    assert response.status_code == 422
    body = response.get_json()
    assert set(body) == {"code", "status", "message", "errors"} and field in body["errors"]


def test_exactly_five_years_is_allowed(app, make, api):
    admin = make.user(Role.ADMIN)
    response = api(admin).get(
        "/api/v1/reports/outcomes", query_string={"from": "2021-12-01", "to": "2026-11-30"}
    )
    assert response.status_code == 200


@pytest.mark.parametrize("role", [Role.ADVOCATE, Role.PARTNER])
def test_reports_are_for_admins_and_case_managers(app, make, api, role):
    person = make.user(role)
    for path in ("/api/v1/reports/point-in-time", "/api/v1/reports/outcomes"):
        assert api(person).get(path).status_code == 403
        assert api(None).get(path).status_code == 401
    assert api(person).get("/reports").status_code == 403


def test_page_csv_and_api_publish_the_same_cells(app, make, api):
    world = build(make)
    for n in range(7):
        stay(
            make,
            world,
            f"shelter bed {n % 3}",
            date(2026, 1, 1) + timedelta(days=9 * n),
            nights=8,
            destination=(410, 8, 206)[n % 3],
        )
    stay(make, world, "youth bed 0", date(2026, 3, 3), nights=2, destination=17, adults=0, children=["13-17"])
    query = {"from": "2026-01-01", "to": "2026-11-30"}
    client = api(world.case_manager)
    table = tables_of(client.get("/api/v1/reports/outcomes", query_string=query).get_json())["exits"]
    download = client.get("/reports/outcomes/exits.csv", query_string=query)
    assert download.status_code == 200 and download.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(download.data.decode())))
    body = rows[rows.index(["Destination", "Emergency", "Transitional", "Long-term", "Total"]) + 1 :]
    from_csv = {(row[0], column): row[i + 1] for row in body for i, column in enumerate(table["columns"])}
    assert from_csv == {key: str(value) for key, value in cells(table).items()}
    assert any(value == "suppressed" for value in from_csv.values())
    page = client.get("/reports/outcomes", query_string=query).data.decode()
    assert page.count('class="suppressed"') >= list(from_csv.values()).count("suppressed")


def test_the_report_command(app, make):
    world = build(make)
    for n in range(3):
        stay(make, world, f"shelter bed {n}", date(2026, 1, 20))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["report", "point-in-time", "--night", "2026-01-28", "--k", "2"])
    assert result.exit_code == 0, result.output
    assert "Persons sheltered" in result.output and "Emergency,3,0,0,3" in result.output
    assert "Counts of 1 are suppressed" in result.output
    result = runner.invoke(args=["report", "exits", "--from", "2026-02-01", "--to", "2026-01-01"])
    assert result.exit_code != 0 and "to: The period ends before it starts." in result.output
    result = runner.invoke(
        args=["report", "outcomes", "--from", "2026-01-01", "--to", "2026-06-30", "--format", "json"]
    )
    assert result.exit_code == 0 and '"report": "outcomes"' in result.output


def test_no_published_cell_is_small_or_recoverable_in_a_random_coalition(app, make, api):
    """Property over random coalitions (seeded): every count table of every report."""
    import random

    world = build(make)
    rng = random.Random(2026)
    beds = [name for name in world.spaces if "unit" not in name and "studio" not in name]
    for space in [*beds, "shelter unit", "rrh unit"]:
        day = date(2025, 12, 1) + timedelta(days=rng.randint(0, 20))
        while day < date(2026, 11, 1):
            nights = rng.randint(1, 90)
            minors = space.startswith("youth")
            destination = rng.choice((410, 422, 302, 206, 8, 17, 24))
            household = {"adults": 0, "children": ["13-17"]} if minors else {"adults": 1, "children": []}
            stay(make, world, space, day, nights=nights, destination=destination, **household)
            day += timedelta(days=nights + rng.randint(0, 30))
    client = api(world.admin)
    reports = [
        client.get("/api/v1/reports/point-in-time", query_string={"k": k}).get_json() for k in (3, 5)
    ] + [
        client.get(
            "/api/v1/reports/outcomes", query_string={"from": "2026-01-01", "to": "2026-10-31", "k": k}
        ).get_json()
        for k in (3, 5, 8)
    ]
    checked = 0
    for body in reports:
        tables = tables_of(body)
        for pair in (("households", "persons"), ("households_served", "persons_served")):
            if pair[0] in tables:
                hidden = [
                    [[cell["suppressed"] for cell in row["cells"]] for row in tables[name]["rows"]]
                    for name in pair
                ]
                assert hidden[0] == hidden[1], pair
        k = body["k"]
        for table in body["tables"]:
            if not table["counts"]:
                continue
            checked += 1
            hidden = set()
            for i, row in enumerate(table["rows"]):
                for j, cell in enumerate(row["cells"]):
                    assert cell["suppressed"] or not 0 < cell["value"] < k, (table["name"], row["label"])
                    if cell["suppressed"]:
                        hidden.add((i, j))
            if table["columns"][-1] == "Total":
                shape = [[0] * len(table["columns"]) for _ in table["rows"]]
                assert determined_cells(shape, hidden) == set(), table["name"]
    assert checked >= 20

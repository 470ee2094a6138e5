"""The HMIS CSV FY2026 export: HUD's files, headers, order, types and nulls; what a VSP may send."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date
from pathlib import Path

from housing_service.models import Role, Site
from housing_service.reports.hmis_export import FILES

from .coalition import CONFIDENTIAL_CITY, CONFIDENTIAL_STREET, build, stay

COLUMNS_CSV = Path(__file__).parent / "reference" / "hmis-csv-columns.csv"
EXPECTED_FILES = {
    "Export.csv",
    "Organization.csv",
    "Project.csv",
    "Inventory.csv",
    "ProjectCoC.csv",
    "Funder.csv",
    "HMISParticipation.csv",
}
CLIENT_LEVEL_FILES = {
    "Client",
    "Enrollment",
    "Exit",
    "Services",
    "IncomeBenefits",
    "HealthAndDV",
    "Disabilities",
}
TYPE_PATTERNS = {
    "numeric": re.compile(r"-?\d+"),
    "date": re.compile(r"\d{4}-\d{2}-\d{2}"),
    "datetime": re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"),
    "character": re.compile(r'"(?:[^"]|"")*"'),
}
HIC_NIGHT = date(2026, 1, 28)


def reference_columns() -> dict[str, list[tuple[str, str, bool]]]:
    """HUD's checker's own list: file → [(column, type, nulls allowed)] in ColumnNo order."""
    files: dict[str, list[tuple[int, str, str, bool]]] = {}
    with COLUMNS_CSV.open(newline="") as handle:
        for row in csv.DictReader(handle):
            name = row["Column"].strip()  # three client files list "PersonalID " with a space
            files.setdefault(row["File"], []).append(
                (int(row["ColumnNo"]), name, row["DataType"], row["NullsAllowed"] == "1")
            )
    return {file: [c[1:] for c in sorted(columns)] for file, columns in files.items()}


def raw_fields(line: str) -> list[str]:
    """A CSV line split into its fields as written (quotes kept), to check how each is written."""
    fields, current, quoted = [], "", False
    for character in line:
        if character == '"':
            quoted = not quoted
        if character == "," and not quoted:
            fields.append(current)
            current = ""
        else:
            current += character
    fields.append(current)
    return fields


def export_zip(api, world, **params) -> zipfile.ZipFile:
    query = {"from": "2025-10-01", "to": "2026-09-30", "night": HIC_NIGHT.isoformat(), **params}
    response = api(world.admin).get("/api/v1/reports/hmis-export", query_string=query)
    assert response.status_code == 200, response.get_json()
    assert response.mimetype == "application/zip"
    return zipfile.ZipFile(io.BytesIO(response.data))


def rows_of(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(archive.read(f"{name}.csv").decode())))


def test_the_files_headers_order_types_and_nulls_are_hud_s(app, make, api):
    world = build(make)
    stay(make, world, "shelter bed 0", date(2026, 1, 10))
    archive = export_zip(api, world)
    assert set(archive.namelist()) == EXPECTED_FILES
    reference = reference_columns()
    for file_name in archive.namelist():
        name = file_name.removesuffix(".csv")
        lines = archive.read(file_name).decode().splitlines()
        header = [field.strip('"') for field in raw_fields(lines[0])]
        assert header == [column for column, _type, _nulls in reference[name]], name
        assert len(lines) > 1, f"{name} has no rows"
        for line in lines[1:]:
            for value, (column, data_type, nulls_allowed) in zip(
                raw_fields(line), reference[name], strict=True
            ):
                if value == "":
                    assert nulls_allowed, f"{name}.{column} may not be empty"
                else:
                    assert TYPE_PATTERNS[data_type].fullmatch(value), (
                        f"{name}.{column}={value!r} is not {data_type}"
                    )
    export = rows_of(archive, "Export")[0]
    assert export["CSVVersion"] == "2026 v1"
    assert (export["ExportStartDate"], export["ExportEndDate"]) == ("2025-10-01", "2026-09-30")


def test_the_code_s_column_lists_are_the_reference_s(app):
    # The same comparison without a database: a column added to one list and not the other fails.
    reference = reference_columns()
    for name, columns in FILES.items():
        assert [(c, t) for c, t in columns] == [(c, t) for c, t, _n in reference[name]]


def test_inventory_sums_household_types_and_emergency_shelter_fields(app, make, api):
    world = build(make)
    archive = export_zip(api, world)
    inventory = rows_of(archive, "Inventory")
    dedicated = [
        "CHVetBedInventory", "YouthVetBedInventory", "VetBedInventory", "CHYouthBedInventory",
        "YouthBedInventory", "CHBedInventory", "OtherBedInventory",
    ]  # fmt: skip
    for row in inventory:
        assert int(row["BedInventory"]) == sum(int(row[column]) for column in dedicated)
        assert int(row["UnitInventory"]) <= int(row["BedInventory"])
        assert row["HouseholdType"] in {"1", "3", "4"}
    by_project = {(row["ProjectID"], row["HouseholdType"]): row for row in inventory}
    shelter, youth, transitional, rrh = (
        str(s.id) for s in (world.shelter, world.youth, world.transitional, world.rrh)
    )
    # Three beds for adults on their own; two family units of 4 and 3.
    assert (by_project[shelter, "1"]["BedInventory"], by_project[shelter, "1"]["UnitInventory"]) == ("3", "0")
    assert (by_project[shelter, "3"]["BedInventory"], by_project[shelter, "3"]["UnitInventory"]) == ("7", "2")
    assert by_project[youth, "4"]["BedInventory"] == "2"
    assert by_project[transitional, "1"]["YouthBedInventory"] == "2"  # a programme for youth only
    # A studio for one is for someone on their own; a unit for three, a family.
    assert (by_project[rrh, "1"]["UnitInventory"], by_project[rrh, "1"]["BedInventory"]) == ("1", "1")
    assert (by_project[rrh, "3"]["UnitInventory"], by_project[rrh, "3"]["BedInventory"]) == ("1", "3")
    assert len(inventory) == 6
    types = {row["ProjectID"]: row["ProjectType"] for row in rows_of(archive, "Project")}
    for row in inventory:
        emergency = types[row["ProjectID"]] in {"0", "1"}
        assert (row["Availability"] != "") == emergency and (row["ESBedType"] != "") == emergency
    assert (by_project[shelter, "1"]["Availability"], by_project[shelter, "1"]["ESBedType"]) == ("2", "3")
    projects = {row["ProjectID"]: row for row in rows_of(archive, "Project")}
    assert projects[rrh]["RRHSubType"] == "2" and projects[transitional]["RRHSubType"] == ""


def test_a_victim_service_provider_s_rows(app, make, api):
    world = build(make)
    stay(make, world, "shelter bed 0", date(2026, 1, 20))
    stay(make, world, "shelter unit", date(2026, 1, 1), children=["3-5", "6-12"])
    stay(make, world, "shelter bed 1", date(2026, 1, 2), nights=10)  # gone before the night
    stay(make, world, "transitional bed 0", date(2026, 1, 2))
    archive = export_zip(api, world)
    organisations = {row["OrganizationID"]: row for row in rows_of(archive, "Organization")}
    assert organisations[str(world.vsp.id)]["VictimServiceProvider"] == "1"
    assert organisations[str(world.other.id)]["VictimServiceProvider"] == "0"
    participation = {row["ProjectID"]: row for row in rows_of(archive, "HMISParticipation")}
    projects = {row["ProjectID"]: row for row in rows_of(archive, "Project")}
    shelter, transitional = str(world.shelter.id), str(world.transitional.id)
    assert participation[shelter]["HMISParticipationType"] == "2"
    assert projects[shelter]["PITCount"] == "4"  # one adult, and a parent with two children
    assert projects[shelter]["TargetPopulation"] == "1"
    # A project whose stays are in the HMIS gives no PIT count of its own.
    assert (
        participation[transitional]["HMISParticipationType"] == "1"
        and projects[transitional]["PITCount"] == ""
    )
    places = {row["ProjectID"]: row for row in rows_of(archive, "ProjectCoC")}
    assert places[shelter]["Address1"] == "" and places[shelter]["City"] == ""
    assert (places[shelter]["ZIP"], places[shelter]["Geocode"], places[shelter]["GeographyType"]) == (
        "94607",
        "069001",
        "1",
    )
    assert places[transitional]["Address1"] == "Transitional House, 1 Main St"
    everything = b"".join(archive.read(name) for name in archive.namelist())
    assert CONFIDENTIAL_STREET.encode() not in everything and CONFIDENTIAL_CITY.encode() not in everything
    funders = rows_of(archive, "Funder")
    assert {row["ProjectID"] for row in funders} == {
        str(s.id) for s in (world.shelter, world.youth, world.transitional, world.rrh)
    }
    assert all(row["Funder"] != "46" for row in funders)  # the CalOES grant ended before the period


def test_no_client_level_file_ever_and_no_survivor_in_any_file(app, make, api):
    world = build(make)
    record = stay(make, world, "shelter bed 0", date(2026, 1, 20), alias="Rosa")
    for params in ({}, {"from": "2021-01-01", "to": "2025-12-31"}, {"file": "Client.csv"}):
        response = api(world.admin).get(
            "/api/v1/reports/hmis-export", query_string={"night": HIC_NIGHT.isoformat(), **params}
        )
        if "file" in params:  # nothing can ask for another file: an unknown parameter is refused
            assert response.status_code == 422
            continue
        archive = zipfile.ZipFile(io.BytesIO(response.data))
        names = {name.removesuffix(".csv") for name in archive.namelist()}
        assert names.isdisjoint(CLIENT_LEVEL_FILES) and names == {
            n.removesuffix(".csv") for n in EXPECTED_FILES
        }
        everything = b"".join(archive.read(name) for name in archive.namelist())
        assert record.client.code.encode() not in everything and b"Rosa" not in everything


def test_a_site_missing_a_hud_field_is_named_and_nothing_is_written(app, make, api, tmp_path):
    world = build(make)
    with app.app_context():
        from housing_service.extensions import db

        site = db.session.get(Site, world.youth.id)
        site.geocode = None
        site.bed_availability = None
        db.session.commit()
    response = api(world.admin).get("/api/v1/reports/hmis-export")
    assert response.status_code == 422
    body = response.get_json()
    assert set(body["errors"]) == {
        f"sites.{world.youth.id}.geocode",
        f"sites.{world.youth.id}.bed_availability",
    }
    assert world.youth.name in body["message"]
    out = tmp_path / "hic.zip"
    result = app.test_cli_runner().invoke(args=["export-hmis", "--out", str(out)])
    assert result.exit_code != 0 and "geocode" in result.output
    assert not out.exists()


def test_the_command_writes_the_zip(app, make, tmp_path):
    build(make)
    out = tmp_path / "hic.zip"
    result = app.test_cli_runner().invoke(args=["export-hmis", "--out", str(out), "--night", "2026-01-28"])
    assert result.exit_code == 0, result.output
    assert set(zipfile.ZipFile(out).namelist()) == EXPECTED_FILES


def test_only_admins_export(app, make, api):
    world = build(make)
    for role in (Role.CASE_MANAGER, Role.ADVOCATE, Role.PARTNER):
        assert api(make.user(role)).get("/api/v1/reports/hmis-export").status_code == 403
    assert api(None).get("/api/v1/reports/hmis-export").status_code == 401
    assert api(world.admin).get("/api/v1/reports/hmis-export").status_code == 200

"""A spreadsheet file in (CSV or XLSX) as rows of text cells, and rows out as a safe CSV.

What a person saves from Excel, LibreOffice or Google Sheets: UTF-8 with or without a byte
order mark, commas or semicolons. A cell that a spreadsheet would run as a formula
(=, +, -, @ at the start) is refused on the way in and escaped on the way out, so that a
file we write can't run anything on the computer that opens it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from flask_babel import format_number, gettext

from ..errors import InvalidInput

LARGEST_FILE_BYTES = 5 * 1024 * 1024
LARGEST_ROW_COUNT = 20_000
FORMULA_STARTS = ("=", "+", "-", "@")
# Our own escape of a cell that would start like a formula: a leading apostrophe, which
# spreadsheets show as text and never store; stripped again on import.
ESCAPE = "'"


@dataclass(frozen=True)
class Sheet:
    """The cells of a file: its header, and each data row with its line number (header is 1)."""

    file_name: str
    header: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, str]], ...]


def _refuse(problem: str) -> InvalidInput:
    return InvalidInput.field("file", problem)


def read_sheet(file_name: str, content: bytes) -> Sheet:
    """The rows of a .csv or .xlsx file; a file we can't read is refused, naming why."""
    if len(content) > LARGEST_FILE_BYTES:
        raise _refuse(gettext("%(file)s is larger than 5 MB: split it into several files.", file=file_name))
    if not content.strip():
        raise _refuse(gettext("%(file)s is empty.", file=file_name))
    if file_name.lower().endswith(".xlsx") or content.startswith(b"PK\x03\x04"):
        lines = _xlsx_lines(file_name, content)
    else:
        lines = _csv_lines(file_name, content)
    return _sheet(file_name, lines)


def _csv_lines(file_name: str, content: bytes) -> list[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _refuse(
            gettext(
                '%(file)s is not UTF-8 (byte %(byte)s can\'t be read): save it as "CSV UTF-8" and try again.',
                file=file_name,
                byte=error.start + 1,
            )
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as error:
        raise _refuse(
            gettext("%(file)s is not a well-formed CSV file (%(error)s).", file=file_name, error=error)
        ) from None


def _xlsx_lines(file_name: str, content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    # Whatever a damaged or foreign workbook makes openpyxl raise, it is the file's problem,
    # to be named as such (a 422), never a server error.
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception:
        raise _refuse(
            gettext("%(file)s is not an Excel workbook (.xlsx) that can be read.", file=file_name)
        ) from None
    try:
        sheet = workbook.worksheets[0]
        lines = []
        for values in sheet.iter_rows(values_only=True):
            lines.append(["" if value is None else _xlsx_text(value) for value in values])
            if len(lines) > LARGEST_ROW_COUNT + 1:
                break
        return lines
    except Exception:
        raise _refuse(
            gettext("%(file)s is not an Excel workbook (.xlsx) that can be read.", file=file_name)
        ) from None
    finally:
        workbook.close()


def _xlsx_text(value: object) -> str:
    # Whole numbers typed in Excel come back as floats (12.0): the text a person typed is "12".
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _sheet(file_name: str, lines: list[list[str]]) -> Sheet:
    lines = [line for line in lines if any(cell.strip() for cell in line)]
    if not lines:
        raise _refuse(gettext("%(file)s has no header row.", file=file_name))
    header = tuple(cell.strip().lower() for cell in lines[0])
    if len(lines) - 1 > LARGEST_ROW_COUNT:
        raise _refuse(
            gettext(
                "%(file)s has more than %(most)s rows: split it into several files.",
                file=file_name,
                most=format_number(LARGEST_ROW_COUNT),
            )
        )
    repeated = sorted({name for name in header if name and header.count(name) > 1})
    if repeated:
        raise _refuse(
            gettext(
                "%(file)s names the column %(columns)s more than once.",
                file=file_name,
                columns=", ".join(repeated),
            )
        )
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        if len(line) > len(header):
            extra = [cell for cell in line[len(header) :] if cell.strip()]
            if extra:
                raise _refuse(
                    gettext("row %(row)s has more cells than the header has columns.", row=number)
                )
        rows.append((number, {name: (line[i] if i < len(line) else "") for i, name in enumerate(header)}))
    return Sheet(file_name, header, tuple(rows))


def looks_like_formula(cell: str) -> bool:
    return cell.startswith(FORMULA_STARTS)


def needs_escape(cell: str) -> bool:
    """A cell a spreadsheet may run: a formula start, also after spaces, or a leading tab or CR."""
    return looks_like_formula(cell.lstrip()) or cell.startswith(("\t", "\r"))


def unescape(cell: str) -> str:
    """A cell we escaped on export, as it was ('+1 555 → +1 555); other cells unchanged."""
    if cell.startswith(ESCAPE) and needs_escape(cell[1:]):
        return cell[1:]
    return cell


def escape(cell: str) -> str:
    return ESCAPE + cell if needs_escape(cell) else cell


def write_csv(header: list[str], rows: list[list[str]]) -> str:
    """A CSV file (comma, CRLF as spreadsheets write) whose cells never start a formula."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([escape(cell) for cell in row] for row in rows)
    return buffer.getvalue()

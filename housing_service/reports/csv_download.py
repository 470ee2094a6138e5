"""A report table as a CSV file: the cells exactly as the page and the API publish them."""

from __future__ import annotations

import csv
import io

from .service import Report, suppression_note
from .tables import Table


def table_csv(report: Report, table: Table) -> str:
    """Title lines, then the table; suppressed cells read "suppressed"."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([f"{report.title}: {table.title}"])
    if table.counts:
        writer.writerow([suppression_note(report.k)])
    if table.note:
        writer.writerow([table.note])
    writer.writerows(table.as_text_rows())
    return buffer.getvalue()


def file_name(report: Report, table: Table) -> str:
    dates = "_".join(report.parameters.values())
    return f"{report.name}_{table.name}_{dates}.csv"

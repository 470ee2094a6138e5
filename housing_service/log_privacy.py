"""Nothing personal in the application log, whatever level an operator turns logging up to.

SQL parameters are hidden by the engine (`hide_parameters`, app_factory). At DEBUG,
SQLAlchemy also logs every result row, values and all (aliases, addresses, safety plans):
those records are dropped here, before any handler sees them. The SQL statements
themselves (INFO) stay: they carry no values.
"""

from __future__ import annotations

import logging

ENGINE_LOGGER = "sqlalchemy.engine.Engine"


class DropResultRows(logging.Filter):
    """Refuse SQLAlchemy's "Row (...)" debug records."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (isinstance(record.msg, str) and record.msg.startswith("Row "))


_FILTER = DropResultRows()


def install() -> None:
    """Attach the filter (once) to the logger every engine without a logging name uses."""
    logger = logging.getLogger(ENGINE_LOGGER)
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)

"""The registry of report kinds: identifier → exporter class. A feature app's exporter that builds on this
package's base (dues.exporters) is added by that app's AppConfig.ready(), since importing it from here would be
circular."""

from .attendance import AttendanceExporter
from .base import Column, Exporter, Figure, Sheet
from .honours import HonoursExporter
from .monthly import MonthlyActivityExporter
from .roster import RosterExporter
from .standardisation import StandardisationExporter
from .yearly import YearlyExporter

EXPORTERS: dict[str, type[Exporter]] = {cls.identifier: cls for cls in (
    MonthlyActivityExporter, YearlyExporter, RosterExporter, AttendanceExporter, StandardisationExporter,
    HonoursExporter)}


def exporter_class(kind: str) -> type[Exporter]:
    return EXPORTERS[kind]


def exporter_for(report) -> Exporter:
    return exporter_class(report.kind)(organisation=report.organisation, period_start=report.period_start,
                                       period_end=report.period_end)


__all__ = ["EXPORTERS", "Column", "Exporter", "Figure", "Sheet", "exporter_class", "exporter_for"]

"""The registry of report kinds: identifier → exporter class.

Inverted: the reports app knows no feature. Each feature app defines its exporters (activities/exporters,
members/exporters.py, honours/exporters.py, oversight/exporters.py) and registers them in its AppConfig.ready;
the reports app renders, queues and stores whatever is registered."""

from ..choices import ReportKind
from .base import Exporter

EXPORTERS: dict[str, type[Exporter]] = {}


def register(*classes: type[Exporter]) -> None:
    for cls in classes:
        if cls.identifier not in ReportKind.values:
            raise ValueError(f"report kind {cls.identifier!r} is not a ReportKind")
        EXPORTERS[cls.identifier] = cls
    # The list page shows the kinds in ReportKind's order, whatever order the apps registered them in.
    ordered = sorted(EXPORTERS.items(), key=lambda item: ReportKind.values.index(item[0]))
    EXPORTERS.clear()
    EXPORTERS.update(ordered)


def exporter_class(kind: str) -> type[Exporter]:
    return EXPORTERS[kind]


def exporter_for(report) -> Exporter:
    return exporter_class(report.kind)(organisation=report.organisation, period_start=report.period_start,
                                       period_end=report.period_end)

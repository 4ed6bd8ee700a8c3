"""The exporter base: what every report is made of.

An exporter knows its identifier, Chinese name, what period it covers and how to compute its sheets. A sheet is a
title, typed columns and rows (any iterable, so big ones stream from the database). The same sheets become the
workbook (one worksheet each) and the PDF (one section each, rendered by ``reports.render``); an exporter adds
anything PDF-only (a narrative, charts) through ``context()`` and the sheets' ``chart``.

Exporters read through aggregate queries: their query count depends on the report, never on the amount of data.
"""

import calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from django.db.models import QuerySet
from django.utils import timezone

from branches.models import Organisation
from core.dates import local_midnight

from ..choices import Period

# Excel number formats; the PDF formats the same values the same way (reports.render.display).
COUNT = "#,##0"
RATE = "0.0%"
MONEY = "#,##0.00"
HOURS = "#,##0.0"
DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm"
TEXT = "@"


@dataclass(frozen=True)
class Column:
    header: str
    width: float = 12
    number_format: str = ""


@dataclass(frozen=True)
class Figure:
    """A value that carries its own number format, for sheets whose rows mix counts, rates and money."""

    value: object
    number_format: str


@dataclass
class Sheet:
    title: str  # the worksheet's name (31 characters at most) and the PDF section's heading
    columns: list[Column]
    rows: Iterable[Sequence]
    heading: str = ""  # a longer heading for the PDF; the title when empty
    note: str = ""  # printed under the heading in the PDF
    chart: str = ""  # inline SVG shown above the table in the PDF
    landscape: bool = False  # the PDF section gets a landscape page

    @property
    def pdf_heading(self) -> str:
        return self.heading or self.title


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])



def chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


class Exporter:
    identifier: ClassVar[str]
    name: ClassVar[str]
    description: ClassVar[str] = ""
    period: ClassVar[str] = Period.YEAR
    template: ClassVar[str] = "reports/pdf/report.html"

    def __init__(self, *, organisation: Organisation | None, period_start: dt.date, period_end: dt.date,
                 today: dt.date | None = None):
        self.organisation = organisation
        self.period_start = period_start
        self.period_end = period_end
        self.today = today or timezone.localdate()

    # --- periods (class-level: the form and the list use them without an instance) ---

    @classmethod
    def period_for(cls, *, year: int | None, month: int | None, today: dt.date) -> tuple[dt.date, dt.date]:
        if cls.period == Period.MONTH:
            return dt.date(year, month, 1), month_end(year, month)
        if cls.period == Period.YEAR:
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        return today, today

    @classmethod
    def period_label(cls, start: dt.date, end: dt.date) -> str:
        if cls.period == Period.MONTH:
            return f"{start.year}年{start.month}月"
        if cls.period == Period.YEAR:
            return f"{start.year}年度"
        return f"截至{chinese_date(end)}"

    @classmethod
    def file_title(cls, start: dt.date, end: dt.date, organisation: Organisation | None) -> str:
        title = f"{cls.period_label(start, end)}{cls.name}"
        if cls.period == Period.SNAPSHOT:
            title = f"{cls.name}（{cls.period_label(start, end)}）"
        if organisation is not None:
            title += f"（{organisation.short_name or organisation.name}）"
        return title

    # --- scope ---

    @property
    def year(self) -> int:
        return self.period_start.year

    @property
    def scope_name(self) -> str:
        return self.organisation.name if self.organisation else "市直机关工委（全市）"

    @property
    def title(self) -> str:
        return f"{self.period_label(self.period_start, self.period_end)}{self.name}"

    @property
    def organisations(self) -> QuerySet[Organisation] | None:
        """The organisations counted, for the figures functions of other apps: None means the whole city."""
        if self.organisation is None:
            return None
        return Organisation.objects.filter(path__startswith=self.organisation.path)

    @property
    def scope(self) -> QuerySet[Organisation]:
        """The organisations counted, always as a queryset."""
        organisations = self.organisations
        return Organisation.objects.all() if organisations is None else organisations

    @property
    def start_at(self) -> dt.datetime:
        return local_midnight(self.period_start)

    @property
    def end_before(self) -> dt.datetime:
        return local_midnight(self.period_end + dt.timedelta(days=1))

    # --- content ---

    def sheets(self) -> list[Sheet]:
        raise NotImplementedError

    def context(self) -> dict:
        """Anything the PDF template shows besides the sheets."""
        return {}


@dataclass
class Group:
    """One row of a per-organisation breakdown: an organisation directly below the scope and all below it."""

    pk: int
    name: str
    path: str
    active: bool
    values: dict = field(default_factory=dict)


class Breakdown:
    """Rolls per-organisation counts up to the organisations directly below the scope (for the city: the
    affiliated organisations), from one query for the tree. Rows cost memory per organisation, not per member."""

    def __init__(self, exporter: Exporter):
        rows = list(exporter.scope.order_by("path").values_list("pk", "path", "name", "short_name", "depth",
                                                                 "status"))
        self.groups: dict[int, Group] = {}
        self._group_of: dict[int, int] = {}
        if not rows:
            return
        if exporter.organisation is not None:
            base_depth = exporter.organisation.depth
        else:
            base_depth = min(depth for _, _, _, _, depth, _ in rows)
        for pk, path, name, short_name, depth, status in rows:
            ids = [int(part) for part in path.strip("/").split("/")]
            relative = ids[base_depth:] if len(ids) > base_depth else ids
            if len(relative) == 1:
                # The scope's own organisation: its direct members and activities form a row of their own.
                self.groups[pk] = Group(pk, f"{short_name or name}（本级）", path, False)
                self._group_of[pk] = pk
            elif len(relative) == 2:
                self.groups[pk] = Group(pk, short_name or name, path, status == "ACTIVE")
                self._group_of[pk] = pk
            else:
                self._group_of[pk] = relative[1]

    def add(self, organisation_id: int | None, key: str, value) -> None:
        group = self._group_of.get(organisation_id)
        if group is None:
            return
        values = self.groups[group].values
        values[key] = values.get(key, 0) + (value or 0)

    def rows(self) -> list[Group]:
        """Groups in tree order: the active ones, and any other (dissolved, or the scope's own level) with data."""
        return [g for g in sorted(self.groups.values(), key=lambda g: g.path) if g.active or any(g.values.values())]

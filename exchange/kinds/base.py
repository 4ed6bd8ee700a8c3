"""What every import kind is: an identifier, a Chinese name, columns with Chinese headers, a check per row and a
write of all checked rows. The runner here reads the sheet, maps headers to columns, finds duplicates within the
file, asks the kind about each row and collects every error as (row, column, value, reason); nothing is written
until every row has passed.

A new kind (e.g. dues payments) is a subclass registered with `@register`; it lives in this package or in its own
app (imported from that app's AppConfig.ready)."""

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import ClassVar

from branches import access

IMPORT_KINDS: dict[str, type["ImportKind"]] = {}


def register(cls):
    if cls.identifier in IMPORT_KINDS:
        raise ValueError(f"import kind {cls.identifier} registered twice")
    IMPORT_KINDS[cls.identifier] = cls
    return cls


def kind_class(identifier: str) -> type["ImportKind"]:
    return IMPORT_KINDS[identifier]


def kinds_for(user) -> list[type["ImportKind"]]:
    return [cls for cls in IMPORT_KINDS.values() if cls.permitted(user)]


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False
    choices: tuple[str, ...] = ()
    sample: object = ""
    width: int = 14
    note: str = ""
    text: bool = False  # kept as text in the template (ID numbers, phones: Excel would turn them into numbers)
    date: bool = False
    field: str = ""  # the model field this column fills, where error messages from the model are put


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    value: str
    reason: str




@dataclass
class Planned:
    """One checked row and what writing it will do."""

    row: int
    action: str  # "create" | "update" | "unchanged"
    obj: object = None
    changed: list[str] = field(default_factory=list)
    extra: dict = field(default_factory=dict)


@dataclass
class Outcome:
    total: int = 0
    errors: list[RowError] = field(default_factory=list)
    planned: list[Planned] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for p in self.planned if p.action == action)


def shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, dt.date):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_TIME_RE = re.compile(r"^(\d{1,2})\s*[:：时]\s*(\d{1,2})\s*分?$")


class ImportKind:
    """One kind of import. Subclasses set the class attributes and implement prepare/check_row/write."""

    identifier: ClassVar[str]
    name: ClassVar[str]
    description: ClassVar[str] = ""
    columns: ClassVar[tuple[Column, ...]]
    sheet_title: ClassVar[str] = "导入数据"
    admin_only: ClassVar[bool] = False
    do_not_call_in_templates: ClassVar[bool] = True  # templates list the classes themselves
    notes: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *, user, today: dt.date):
        self.user, self.today = user, today
        self.progress = None  # callable(done, total), called every few hundred rows
        self.errors: list[RowError] = []
        self._row = 0
        self._values: dict = {}

    # --- who may use it ------------------------------------------------------------------------------
    @classmethod
    def permitted(cls, user) -> bool:
        if cls.admin_only:
            return access.is_admin(user)
        return access.is_admin(user) or access.is_secretary(user)

    # --- what a kind implements ------------------------------------------------------------------------
    def prepare(self, rows: list[tuple[int, dict]]) -> None:
        """Load what the checks look up, in a few queries for the whole file."""

    def row_key(self, values: dict):
        """Two rows with the same key are duplicates within the file (None: not checked)."""

    def check_row(self, values: dict) -> Planned | None:
        raise NotImplementedError

    def write(self, planned: list[Planned], *, by) -> None:
        raise NotImplementedError

    # --- helpers for check_row -----------------------------------------------------------------------------
    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def error(self, key: str, reason: str, value=None) -> None:
        column = self.column(key)
        raw = self._values.get(key) if value is None else value
        self.errors.append(RowError(self._row, column.header, shown(raw), reason))

    def field_errors(self, errors: dict[str, list[str]]) -> None:
        """Model errors (field → messages) onto the column that fills the field (or the first column)."""
        by_field = {c.field or c.key: c.key for c in self.columns}
        for name, messages in errors.items():
            key = by_field.get(name, self.columns[0].key)
            for message in messages:
                self.error(key, message)

    def text(self, key: str, max_length: int | None = None) -> str:
        value = self._values.get(key)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        value = str(value).strip()
        if self.column(key).required and not value:
            self.error(key, f"“{self.column(key).header}”不能为空。")
        elif max_length and len(value) > max_length:
            self.error(key, f"不能超过 {max_length} 个字。")
        return value

    def choice(self, key: str, mapping: dict[str, str], default=None):
        value = self.text(key)
        if not value:
            return default
        if value not in mapping:
            self.error(key, f"请从下拉列表中选择：{'、'.join(mapping)}。")
            return None
        return mapping[value]

    def date(self, key: str) -> dt.date | None:
        value = self._values.get(key)
        if value in (None, ""):
            if self.column(key).required:
                self.error(key, f"“{self.column(key).header}”不能为空。")
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = shown(value).strip()
        if re.fullmatch(r"\d{8}", text):
            text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
        match = _DATE_RE.match(text)
        if match:
            try:
                return dt.date(*(int(g) for g in match.groups()))
            except ValueError:
                pass
        self.error(key, "日期格式不正确，请填写如 2020-07-01 的日期。")
        return None

    def time(self, key: str, default: dt.time) -> dt.time | None:
        value = self._values.get(key)
        if value in (None, ""):
            return default
        if isinstance(value, dt.time):
            return value
        if isinstance(value, dt.datetime):
            return value.time()
        match = _TIME_RE.match(shown(value).strip())
        if match:
            try:
                return dt.time(int(match.group(1)), int(match.group(2)))
            except ValueError:
                pass
        self.error(key, "时间格式不正确，请填写如 14:30 的时间。")
        return None

    def identity(self, key: str) -> str:
        """An ID number as text. A number cell has lost its last digits (Excel keeps 15 significant digits)."""
        from members.validators import normalise_id_number

        value = self._values.get(key)
        if isinstance(value, int | float):
            self.error(key, "公民身份号码被 Excel 存成了数字，后几位已丢失。请把该列设为“文本”后重新填写。")
            return ""
        return normalise_id_number(self.text(key))

    # --- the runner -------------------------------------------------------------------------------------------
    def header_map(self, headers: list[str]) -> dict[str, int]:
        wanted = {c.header: c.key for c in self.columns}
        found: dict[str, int] = {}
        for index, header in enumerate(headers):
            key = wanted.get(_bare(header))
            if key and key not in found:
                found[key] = index
        return found

    def run(self, headers: list[str], rows) -> Outcome:
        outcome = Outcome()
        positions = self.header_map(headers)
        missing = [c.header for c in self.columns if c.required and c.key not in positions]
        if missing:
            self.errors.append(RowError(1, "表头", "、".join(h for h in headers if h)[:100],
                                        f"缺少必填列：{'、'.join(missing)}。请使用本平台的导入模板（第一行为表头）。"))
            outcome.errors = self.errors
            return outcome
        records = []
        for number, raw in rows:
            values = {key: (raw[i] if i < len(raw) else None) for key, i in positions.items()}
            records.append((number, values))
        outcome.total = len(records)
        self.prepare(records)
        seen: dict = {}
        for done, (number, values) in enumerate(records, 1):
            if self.progress and done % 500 == 0:
                self.progress(done, len(records))
            self._row, self._values = number, values
            key = self.row_key(values)
            if key is not None:
                if key in seen:
                    first_column = self.columns[0].key
                    column = next((c.key for c in self.columns if c.text), first_column)
                    self.error(column, f"与第 {seen[key]} 行重复。")
                    continue
                seen[key] = number
            before = len(self.errors)
            planned = self.check_row(values)
            if planned is not None and len(self.errors) == before:
                planned.row = number
                outcome.planned.append(planned)
        outcome.errors = self.errors
        return outcome


def _bare(header: str) -> str:
    """A header as typed: trimmed, without a required-marker star."""
    return (header or "").strip().rstrip("*＊").strip()

"""Organisations with their units (working-committee admins only).

Rows are matched by the organisation's full name; a row's superior organisation must already be on the
platform or stand on an earlier row of the file. Units are matched by name and created when new."""

from branches.choices import OrganisationKind
from branches.models import Organisation, Unit

from .base import Column, ImportKind, Planned, register

KINDS = {label: value for value, label in OrganisationKind.choices}
FIELDS = ("name", "short_name", "kind", "parent_id", "unit_id", "established_on", "address")


@register
class OrganisationKindImport(ImportKind):
    identifier = "organisations"
    name = "党组织及所在单位"
    description = "党组织（党委、党总支、党支部等）及其上级党组织和所在单位；按党组织全称匹配。仅工委管理员可用。"
    sheet_title = "党组织"
    admin_only = True
    columns = (
        Column("name", "党组织全称", required=True, sample="中共某某局机关第一支部委员会", width=32, field="name"),
        Column("short_name", "简称", sample="某某局第一党支部", width=18, field="short_name"),
        Column("kind", "组织类型", required=True, choices=tuple(KINDS), sample="党支部", width=12, field="kind"),
        Column("parent", "上级党组织", required=True, sample="", width=32, note="填写上级党组织全称",
               field="parent"),
        Column("unit", "所在单位", sample="某某局", width=20, field="unit"),
        Column("established_on", "成立日期", sample="2010-07-01", date=True, field="established_on"),
        Column("address", "活动场所地址", sample="某某路1号", width=24, field="address"),
    )

    def row_key(self, values):
        name = values.get("name")
        return name.strip() if isinstance(name, str) and name.strip() else None

    def prepare(self, rows):
        self.by_name: dict[str, list[Organisation]] = {}
        for organisation in Organisation.objects.all():
            self.by_name.setdefault(organisation.name, []).append(organisation)
        self.units = {unit.name: unit for unit in Unit.objects.all()}
        self.new_units: dict[str, Unit] = {}
        self.in_file: dict[str, Organisation] = {}

    def _one(self, key: str, name: str) -> Organisation | None:
        found = self.by_name.get(name, [])
        if len(found) > 1:
            self.error(key, f"平台中有多个名为“{name}”的党组织，无法确定是哪一个，请先在“数据管理”中更正。")
            return None
        return found[0] if found else None

    def check_row(self, values):
        name = self.text("name", 100)
        short_name = self.text("short_name", 40)
        kind = self.choice("kind", KINDS)
        parent_name = self.text("parent", 100)
        unit_name = self.text("unit", 100)
        established_on = self.date("established_on")
        address = self.text("address", 200)
        parent = None
        if parent_name:
            parent = self.in_file.get(parent_name) or self._one("parent", parent_name)
            if parent is None and not any(e.column == "上级党组织" and e.row == self._row for e in self.errors):
                self.error("parent", f"找不到上级党组织“{parent_name}”。它须已在平台中，或写在本文件更靠前的行。")
        if not name or kind is None or parent is None:
            return None
        if parent_name == name:
            self.error("parent", "上级党组织不能是它自己。")
            return None
        unit = None
        if unit_name:
            unit = self.units.get(unit_name) or self.new_units.setdefault(unit_name, Unit(name=unit_name))
        existing = self._one("name", name)
        organisation = existing or Organisation(name=name)
        before = {f: getattr(existing, f) for f in FIELDS} if existing else None
        organisation.short_name, organisation.kind, organisation.established_on = short_name, kind, established_on
        organisation.address = address
        organisation.parent = parent if parent.pk else None
        organisation._parent_in_file = parent if not parent.pk else None
        organisation.unit = unit if unit and unit.pk else None
        organisation._unit_in_file = unit if unit and not unit.pk else None
        if existing and existing.parent_id != parent.pk:
            # Moving an organisation moves its whole subtree (paths): done one at a time in 数据管理, not here.
            self.error("parent", "导入不能调整已有党组织的上级党组织，请在“数据管理”中办理。")
            return None
        self.in_file[name] = organisation
        if existing is None:
            return Planned(row=0, action="create", obj=organisation)
        after = {f: getattr(organisation, f) for f in FIELDS}
        if organisation._unit_in_file or organisation._parent_in_file:
            after["unit_id"] = after["parent_id"] = object()  # a new unit or parent: certainly a change
        changed = [f for f in FIELDS if before[f] != after[f]]
        if not changed:
            return Planned(row=0, action="unchanged", obj=existing)
        return Planned(row=0, action="update", obj=organisation, changed=changed)

    def write(self, planned, *, by):
        from audit.models import Action
        from audit.services import action_log

        for unit in self.new_units.values():
            unit.full_clean()
            unit.save()
        for item in planned:  # in file order: a parent on an earlier row is saved first
            if item.action == "unchanged":
                continue
            organisation = item.obj
            if organisation._parent_in_file is not None:
                organisation.parent = organisation._parent_in_file
            if organisation._unit_in_file is not None:
                organisation.unit = organisation._unit_in_file
            organisation.full_clean(exclude=["path", "depth"])
            organisation._change_reason = "Excel 导入"
            organisation.save()
            action_log(actor=by, action=Action.ORGANISATION_UPDATED, organisation=organisation,
                       detail=f"Excel 导入：{'新增' if item.action == 'create' else '修改'}")

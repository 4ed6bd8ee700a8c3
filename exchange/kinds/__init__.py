"""The registry of import kinds. Built-in kinds register on import of this package; another app adds its own
(e.g. dues payments) with `@register` in a module it imports from its AppConfig.ready()."""

from . import attendance, organisations, roster  # noqa: F401 -- registration
from .base import IMPORT_KINDS, Column, ImportKind, Outcome, Planned, RowError, kind_class, kinds_for, register

__all__ = ["IMPORT_KINDS", "Column", "ImportKind", "Outcome", "Planned", "RowError", "kind_class", "kinds_for",
           "register"]

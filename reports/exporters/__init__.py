"""Exporters: the base every report kind is built on, and the registry the feature apps fill (registry.py)."""

from .base import Column, Exporter, Figure, Sheet
from .registry import EXPORTERS, exporter_class, exporter_for, register

__all__ = ["EXPORTERS", "Column", "Exporter", "Figure", "Sheet", "exporter_class", "exporter_for", "register"]

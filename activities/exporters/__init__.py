"""The activities' reports, registered with the reports app in ActivitiesConfig.ready."""

from .attendance import AttendanceExporter
from .monthly import MonthlyActivityExporter

__all__ = ["AttendanceExporter", "MonthlyActivityExporter"]

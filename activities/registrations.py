"""What activities adds to the floors below it: a section of the member page, and its reminders and digest
lines (notifications). Called once from ActivitiesConfig.ready."""


def _member_attendance(member) -> dict:
    from .selectors import member_attendance_summary, member_recent_attendances

    return {
        "attendance_summary": member_attendance_summary(member),
        "recent_attendances": member_recent_attendances(member),
    }


def register() -> None:
    from core import todo
    from members.panels import register_member_panel

    from .todo import meetings_to_record

    todo.register("activities.meetings_to_record", meetings_to_record)

    register_member_panel("attendance", template="activities/_member_attendance.html", order=20,
                          context=_member_attendance)

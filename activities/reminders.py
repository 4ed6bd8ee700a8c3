"""Reminder rules for members (issue 6). To be filled in."""

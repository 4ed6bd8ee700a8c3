"""What the register tells the apps above it (they connect; members imports none of them).

- `member_left`: a member left the register on `on` (transferred out of the system, 停止党籍, 出党, 去世).
  Apps drop what still expects them from that day (activities: expected attendance).
- `member_moved`: a member's relationship moved from `from_organisation` on `on` (a transfer accepted).
"""

from django.dispatch import Signal

member_left = Signal()  # sender=Member, member, on
member_moved = Signal()  # sender=Member, member, from_organisation, on

"""The secretary's 待办: what each feature says needs doing, gathered for the home page.

Features register a provider in their AppConfig.ready; a provider takes the user and returns the items that user
should act on (an empty list when none), each in a bounded, small number of queries whatever the data size. The
home page shows them in registration order; core knows no feature."""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class TodoLink:
    label: str
    url: str
    action: str = ""  # the button's words, e.g. "记录"; empty for a plain link
    action_url: str = ""
    note: str = ""


@dataclass(frozen=True)
class TodoGroup:
    """One kind of work, e.g. "待记录的会议": how many, the first few with a direct link, and where the rest are."""

    key: str
    title: str
    count: int
    links: list[TodoLink] = field(default_factory=list)
    more_url: str = ""
    urgent: bool = False


Provider = Callable[[object], list[TodoGroup]]
_providers: list[tuple[str, Provider]] = []


def register(name: str, provider: Provider) -> None:
    """Add a provider once (AppConfig.ready may run more than once in tests)."""
    if all(existing != name for existing, _ in _providers):
        _providers.append((name, provider))


def todos_for(user) -> list[TodoGroup]:
    groups: list[TodoGroup] = []
    for _, provider in _providers:
        groups.extend(group for group in provider(user) if group.count)
    return groups

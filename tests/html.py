"""Reading parts of a rendered page in tests."""

import re


def table(page: str, testid: str) -> str:
    """The HTML of the table with this data-testid (the test fails if there is none)."""
    found = re.search(rf'<table[^>]*data-testid="{testid}".*?</table>', page, re.S)
    assert found, f"no table {testid}"
    return found.group(0)

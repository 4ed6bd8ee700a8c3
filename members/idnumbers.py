"""Make valid (check-digit-correct) ID numbers for demo data and tests."""

import datetime as dt

from .validators import id_number_check_digit

HUAIBEI_REGIONS = ["340602", "340603", "340604", "340621"]  # 杜集区、相山区、烈山区、濉溪县


def make_id_number(*, region: str, birth_date: dt.date, sequence: int, female: bool) -> str:
    # The 17th digit is odd for men and even for women.
    seq = sequence % 500 * 2 + (0 if female else 1)
    first17 = f"{region}{birth_date:%Y%m%d}{seq:03d}"
    return first17 + id_number_check_digit(first17)

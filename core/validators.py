"""Validators for Chinese personal identifiers, with Chinese messages."""

import datetime as dt
import re

from django.core.exceptions import ValidationError

MOBILE_RE = re.compile(r"1[3-9]\d{9}")
ID_NUMBER_RE = re.compile(r"\d{17}[\dX]")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_DIGITS = "10X98765432"


def id_number_check_digit(first17: str) -> str:
    """GB 11643-1999 ISO 7064 MOD 11-2 check character."""
    return _CHECK_DIGITS[sum(int(c) * w for c, w in zip(first17, _WEIGHTS)) % 11]


def normalise_id_number(value: str) -> str:
    return (value or "").strip().replace(" ", "").upper()


def birth_date_from_id_number(value: str) -> dt.date | None:
    try:
        return dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except (ValueError, IndexError):
        return None


def validate_id_number(value: str) -> None:
    value = normalise_id_number(value)
    if len(value) != 18:
        raise ValidationError("公民身份号码应为 18 位，当前为 %(n)s 位。", code="id_length", params={"n": len(value)})
    if not ID_NUMBER_RE.fullmatch(value):
        raise ValidationError("公民身份号码只能由数字组成，最后一位可以是 X。", code="id_chars")
    born = birth_date_from_id_number(value)
    if born is None or born > dt.date.today() or born.year < 1900:
        raise ValidationError("公民身份号码中的出生日期（第 7–14 位）不是有效日期。", code="id_birth")
    if id_number_check_digit(value[:17]) != value[17]:
        raise ValidationError("公民身份号码校验位不正确，请核对后重新输入。", code="id_checksum")


def validate_mobile(value: str) -> None:
    if not MOBILE_RE.fullmatch((value or "").strip()):
        raise ValidationError("请输入 11 位手机号码，以 1 开头，如 13912345678。", code="mobile")


def mask_id_number(value: str) -> str:
    if not value:
        return ""
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    if not value:
        return ""
    return value[:3] + "****" + value[-4:]

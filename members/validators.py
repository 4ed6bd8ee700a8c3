"""Moved to core.validators (accounts needs the mobile check and stands below members); kept so the
migrations and existing imports find the same functions."""

from core.validators import (  # noqa: F401
    ID_NUMBER_RE,
    MOBILE_RE,
    birth_date_from_id_number,
    id_number_check_digit,
    mask_id_number,
    mask_phone,
    normalise_id_number,
    validate_id_number,
    validate_mobile,
)

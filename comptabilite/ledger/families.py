"""Which dashboard figure each account feeds: the account families of ``SectionMonth``.

A family is chosen by the longest matching prefix of the account code, so an account a cooperative adds
(e.g. ``6064``) lands in its parent's family. Each family has a sign: +1 when the figure is debit − credit
(charges, cash, receivables), −1 when it is credit − debit (income, payables, collected VAT).
"""

from __future__ import annotations

from functools import lru_cache

from comptabilite.ledger import chart

# prefix → (family, sign); longest prefix wins.
PREFIXES: dict[str, tuple[str, int]] = {
    "70": ("turnover", -1),
    "7": ("other_income", -1),
    chart.CONTRIBUTION_INCOME: ("contribution", +1),  # income of the structure: a negative contribution
    "6": ("expenses", +1),
    chart.CONTRIBUTION_CHARGE: ("contribution", +1),
    "641": ("salary_cost", +1),
    "645": ("salary_cost", +1),
    "647": ("salary_cost", +1),
    chart.LIAISON: ("payables", -1),  # the contribution carried forward: owed to the structure
    "5": ("cash", +1),
    "41": ("receivables", +1),
    "40": ("payables", -1),
    "42": ("payables", -1),
    "43": ("payables", -1),
    "442": ("payables", -1),
    "4457": ("vat_collected", -1),
    chart.VAT_PENDING: ("vat_pending", -1),
    "4456": ("vat_deductible", +1),
}

FAMILIES = (
    "turnover",
    "other_income",
    "expenses",
    "contribution",
    "salary_cost",
    "cash",
    "receivables",
    "payables",
    "vat_collected",
    "vat_pending",
    "vat_deductible",
    "other",
)


@lru_cache(maxsize=4096)
def family(code: str) -> tuple[str, int]:
    """``(family, sign)`` of an account code; ``("other", +1)`` for the rest (equity, 455, 580…)."""
    for length in range(len(code), 0, -1):
        found = PREFIXES.get(code[:length])
        if found is not None:
            return found
    return ("other", +1)

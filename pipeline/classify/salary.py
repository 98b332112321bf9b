"""Salary: parse pay from free text as stated, annualise it to USD, flag implausible figures.

Stated values are never altered: the parsed `Salary` keeps min, max, currency and period as the
posting wrote them ("₹30 LPA" is 3,000,000 INR a year; "$45/hr" is 45 USD an hour). Conversion
to annual USD is a separate step with a dated currency table, so a rate change never rewrites
what a posting said.

A posting mentions many figures that are not pay ("$71mil Series B", "7+ figure contracts",
"0.3-0.41% equity", "$1,000 learning budget"). Every figure is a candidate; one whose own
clause names a perk nearer than any pay word ("Housing subsidy of $2k per month") is dropped,
since perks are never pay; each other is scored (a range, a stated period, pay words nearby, a
currency); among those that score enough, a plausible one beats an implausible one, then the
higher score wins, then the earlier figure.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import cast

from pipeline.classify._data import any_of, load
from pipeline.models import Salary, SalaryPeriod

_DATA = load("salary")
_FACTOR: dict[str, int] = _DATA["annual_factor"]
_PLAUSIBLE = _DATA["plausible"]
_SYMBOLS: dict[str, str] = _DATA["symbols"]
_CODES: list[str] = _DATA["codes"]["iso"]
_MULTIPLIERS: dict[str, int] = {k.lower(): v for k, v in _DATA["multipliers"].items()}
_INR_MULTIPLIERS = frozenset(k for k, v in _MULTIPLIERS.items() if v >= 100_000)
_PERIODS = ("hour", "day", "week", "month", "year")

_CODE_ALT = "|".join(_CODES)
_SYMBOL_ALT = "|".join(
    (r"\b" if sym[0].isalpha() else "") + re.escape(sym)
    for sym in sorted(_SYMBOLS, key=len, reverse=True)
)
_PREFIX = re.compile(
    rf"(?:\b(?P<code>{_CODE_ALT})\s?(?:{_SYMBOL_ALT})?|(?P<sym>{_SYMBOL_ALT}))\s?$"
)
_SUFFIX_SYMBOLS = "|".join(re.escape(sym) for sym in _DATA["codes"]["suffix_symbols"])
_SUFFIX = re.compile(
    r"(?P<mult>(?i:\s?(?:k|lpa|lakhs?|lacs?|crores?|cr)\b|l\b))?"
    rf"\s?(?P<cur>{_SUFFIX_SYMBOLS}|\b(?:{_CODE_ALT})\b)?"
)
_RUN = re.compile(r"\d+(?:[,.\u00a0\u202f '’]\d+)*")
_DIGIT = re.compile(r"\d")
_ASCII_DIGITS = "0123456789"
_REJECT = any_of(_DATA["reject"]["after"])
_REJECT_NUMBERS = frozenset(float(n) for n in _DATA["reject"]["numbers"])
_BETWEEN = re.compile(
    r"\s*(?:(?:/|per|an?)\s*[a-z]+\.?)?\s*(?:-|–|—|~|to|and|bis|à|a|até|till)\s*", re.IGNORECASE
)
_AFTER = re.compile(
    r"\s*[,(]?\s*(?:"
    + _CODE_ALT
    + r")?\s*(?:"
    + "|".join(
        f"(?P<{period}>" + "|".join(_DATA["periods"]["after"][period]) + ")" for period in _PERIODS
    )
    + ")",
    re.IGNORECASE,
)
_BEFORE = re.compile(
    "(?:"
    + "|".join(
        f"(?P<{period}>" + "|".join(_DATA["periods"]["before"][period]) + ")" for period in _PERIODS
    )
    + r")\b(?:\W+\w+){0,4}\W{0,15}$",
    re.IGNORECASE,
)
_CONTEXT = re.compile(r"\b(?:" + "|".join(_DATA["words"]["context"]) + r")\b", re.IGNORECASE)
_DOLLAR_CODE = re.compile(r"\b(" + "|".join(_DATA["codes"]["dollars"]) + r")\b(?!\s?\$?\d)")
_PAY = re.compile(r"\b(?:" + "|".join(_DATA["words"]["pay"]) + r")\b", re.IGNORECASE)
_PERK = any_of(_DATA["perks"]["patterns"])
_CLAUSE_END = re.compile(r"[.;!?•\n](?:\s|$)|\n")
_NEXT_ITEM = re.compile(r"[.;!?•\n](?:\s|$)|\n|\+|\bplus\b", re.IGNORECASE)
_MAX_ONLY = re.compile(r"\b(?:" + "|".join(_DATA["bounds"]["max_only"]) + r")\s*$", re.IGNORECASE)
_MIN_ONLY = re.compile(r"\b(?:" + "|".join(_DATA["bounds"]["min_only"]) + r")\s*$", re.IGNORECASE)
_INDIAN = re.compile(r"\d{1,3}(?:,\d{2})+,\d{3}")
_GROUPED = re.compile(r"\d{1,3}(?:([,. '’])\d{3})(?:\1\d{3})*")
_GROUPED_DECIMAL = re.compile(r"\d{1,3}(?:,\d{3})+\.\d{1,2}")
_EURO_DECIMAL = re.compile(r"\d{1,3}(?:\.\d{3})+,\d{1,2}")
_PLAIN = re.compile(r"\d+(?:[.,]\d{1,2})?")
_SHORT_TEXT = 80


@dataclass(frozen=True, slots=True)
class _Amount:
    start: int
    end: int
    value: float
    currency: str | None
    dollar_only: bool
    multiplier: str | None
    thousands: bool = False
    """The figure is written with a grouped thousands part ("180,000"), so a bare low end of a
    range shares its magnitude ("$150-180,000")."""


@dataclass(frozen=True, slots=True)
class _Candidate:
    salary: Salary
    score: int
    plausible: bool


def _number(run: str) -> float | None:
    """A digit run as a number: "80.000", "80 000" and Swiss "80'000" are 80000, "18,00,000"
    is 1800000, "19.50" is 19.5."""
    s = run.replace("\u00a0", " ").replace("\u202f", " ")
    if _INDIAN.fullmatch(s):
        return float(s.replace(",", ""))
    if _GROUPED.fullmatch(s):
        return float(re.sub(r"[,. '’]", "", s))
    if _GROUPED_DECIMAL.fullmatch(s):
        return float(s.replace(",", ""))
    if _EURO_DECIMAL.fullmatch(s):
        return float(s.replace(".", "").replace(",", "."))
    if _PLAIN.fullmatch(s):
        return float(s.replace(",", "."))
    return None


def _has_digit(text: str) -> bool:
    """`_DIGIT.search(text)`; on ASCII text `\\d` means 0-9, and ten memchr-backed `in` tests
    beat a regex that tests every character of a 5 KB description."""
    if text.isascii():
        return any(digit in text for digit in _ASCII_DIGITS)
    return _DIGIT.search(text) is not None


def _runs(text: str) -> Iterator[re.Match[str]]:
    """`_RUN.finditer(text)`. A run can only start at a digit, so on ASCII text each one is
    matched at the next 0-9 found by str.find, the same match the scan would reach there."""
    if not text.isascii():
        yield from _RUN.finditer(text)
        return
    pos = 0
    while True:
        starts = [i for i in (text.find(digit, pos) for digit in _ASCII_DIGITS) if i != -1]
        if not starts:
            return
        run = _RUN.match(text, min(starts))
        assert run is not None
        yield run
        pos = run.end()


def _amounts(text: str) -> list[_Amount]:
    found = []
    for run in _runs(text):
        start, end = run.span()
        value = _number(run.group())
        if value is None or _REJECT.match(text, end):
            continue
        prefix = _PREFIX.search(text, max(0, start - 10), start)
        if prefix is None and start > 0 and text[start - 1].isalpha():
            continue
        suffix = _SUFFIX.match(text, end)
        assert suffix is not None
        multiplier = (suffix.group("mult") or "").strip().lower() or None
        if value in _REJECT_NUMBERS and multiplier == "k":
            continue
        currency, dollar_only = None, False
        if suffix.group("cur"):
            currency = _SYMBOLS.get(suffix.group("cur"), suffix.group("cur").upper())
        elif prefix is not None and prefix.group("code"):
            currency = prefix.group("code").upper()
        elif prefix is not None:
            sym = prefix.group("sym")
            currency = _SYMBOLS.get(sym, sym.upper())
            dollar_only = sym == "$"
        if multiplier in _INR_MULTIPLIERS and currency is None:
            currency = "INR"
        found.append(
            _Amount(
                start=prefix.start() if prefix else start,
                end=suffix.end() if suffix.group("mult") or suffix.group("cur") else end,
                value=value,
                currency=currency,
                dollar_only=dollar_only,
                multiplier=multiplier,
                thousands=run.group().endswith(("000",)) and not run.group()[-4:-3].isdigit(),
            )
        )
    return found


def _scaled(amount: _Amount, multiplier: str | None) -> float:
    return amount.value * _MULTIPLIERS.get(multiplier or "", 1)


def _range_currency(low: _Amount, high: _Amount) -> str | None:
    """A code beats a bare "$" ("$110,000 - $140,000 CAD" is CAD); else whichever side has one."""
    for amount in (high, low):
        if amount.currency and not amount.dollar_only:
            return amount.currency
    return low.currency or high.currency


def _period(text: str, start: int, end: int, multiplier: str | None) -> SalaryPeriod | None:
    after = _AFTER.match(text, end)
    if after:
        return cast(SalaryPeriod, after.lastgroup)
    before = _BEFORE.search(text, max(0, start - 30), start)
    if before:
        return cast(SalaryPeriod, before.lastgroup)
    if multiplier in _INR_MULTIPLIERS:
        return "year"
    return None


def _candidates(text: str) -> list[_Candidate]:
    amounts = _amounts(text)
    out = []
    i = 0
    while i < len(amounts):
        low = amounts[i]
        high = None
        if i + 1 < len(amounts):
            nxt = amounts[i + 1]
            gap = _BETWEEN.fullmatch(text, low.end, nxt.start)
            if gap is not None:
                high = nxt
        if high is not None:
            multiplier = low.multiplier or high.multiplier
            lo_value = _scaled(
                low, low.multiplier or (high.multiplier if low.value < 1000 else None)
            )
            hi_value = _scaled(high, high.multiplier or low.multiplier)
            if multiplier is None and high.thousands and lo_value < 1000 <= hi_value:
                lo_value *= 1000
            currency = _range_currency(low, high)
            start, end = low.start, high.end
            i += 2
        else:
            multiplier = low.multiplier
            lo_value = hi_value = _scaled(low, low.multiplier)
            currency = low.currency
            start, end = low.start, low.end
            i += 1
        if _is_perk(text, start, end):
            continue
        if low.dollar_only and (high is None or high.dollar_only or high.currency is None):
            currency = _named_dollar(text, start, end) or currency
        near = text[max(0, start - 40) : end + 40]
        has_context = bool(_CONTEXT.search(near))
        if currency is None and not (has_context and (multiplier or lo_value >= 1000)):
            continue
        period = _period(text, start, end, multiplier)
        stated_period = period is not None
        if period is None:
            if min(lo_value, hi_value) < _PLAUSIBLE["annual_usd_min"]:
                continue
            period = "year"
        if high is None:
            lead = text[max(0, start - 20) : start]
            if _MAX_ONLY.search(lead):
                lo_value = None
            elif _MIN_ONLY.search(lead):
                hi_value = None
        salary = Salary(
            min=lo_value,
            max=hi_value,
            currency=currency,
            period=period,
            source="text",
            text=text[start:end].strip(),
        )
        score = (
            3 * (high is not None) + 2 * stated_period + 2 * has_context + (currency is not None)
        )
        plausible = not (salary_problem(salary) or "").startswith("implausible")
        out.append(_Candidate(salary, score, plausible))
    return out


def _named_dollar(text: str, start: int, end: int) -> str | None:
    """The code that names a bare "$" figure's dollars nearby: "$30/hr CAD", "$120,000 (CAD)",
    "Salary (CAD): $90,000" are Canadian dollars; a bare "$" is USD only when nothing else
    names a currency."""
    for match in _DOLLAR_CODE.finditer(text, max(0, start - 25), min(len(text), end + 20)):
        return match.group(1)
    return None


def _is_perk(text: str, start: int, end: int) -> bool:
    """Does the figure's own clause name a perk nearer to it than any pay word? "Housing
    subsidy of $2k per month" and "$1,000 learning budget" are perks; "base salary $150k plus
    a learning budget" and "$120k - $130k + 3% 401k" are pay: after the figure, "+" or "plus"
    starts the next item of the package."""
    before = text[max(0, start - 60) : start]
    ends = list(_CLAUSE_END.finditer(before))
    if ends:
        before = before[ends[-1].end() :]
    after = text[end : end + 50]
    cut = _NEXT_ITEM.search(after)
    if cut:
        after = after[: cut.start()]
    perk = _nearest(_PERK, before, after)
    if perk is None:
        return False
    pay = _nearest(_PAY, before, after)
    return pay is None or perk < pay


def _nearest(regex: re.Pattern[str], before: str, after: str) -> int | None:
    """Distance in characters from the figure to the nearest match in its clause."""
    distances = [len(before) - m.end() for m in regex.finditer(before)]
    first = regex.search(after)
    if first is not None:
        distances.append(first.start())
    return min(distances) if distances else None


def extract_salary(text: str) -> tuple[Salary | None, str | None]:
    """Best salary stated in `text` and its problem, if any (see `salary_problem`).

    A short text (a salary field) needs only a currency or pay word; in a long text (a
    description) a lone figure must also carry a range, a period or a pay word.
    """
    if not text or not _has_digit(text):
        return None, None
    threshold = 1 if len(text) <= _SHORT_TEXT else 3
    accepted = [cand for cand in _candidates(text) if cand.score >= threshold]
    if not accepted:
        return None, None
    best = max(accepted, key=lambda cand: (cand.plausible, cand.score))
    return best.salary, salary_problem(best.salary)


def parse_salary_text(text: str) -> Salary | None:
    """The plausible salary stated in `text`, as stated (no conversion), or None."""
    salary, problem = extract_salary(text)
    return None if problem is not None and problem.startswith("implausible") else salary


@lru_cache(maxsize=256)
def _rates(on_date: date | None) -> dict[str, float]:
    """The currency table in force on `on_date`; cached, as every salary of a night asks for
    the same date. Callers only read it."""
    tables = sorted(load("currencies")["tables"], key=lambda t: t["date"])
    chosen = tables[0]
    for table in tables:
        if on_date is None or table["date"] <= on_date:
            chosen = table
    return chosen["rates"]


def annualise(salary: Salary) -> tuple[float, float] | None:
    """(min, max) a year in the stated currency; a missing side takes the other's value."""
    if salary.period is None or (salary.min is None and salary.max is None):
        return None
    low = salary.min if salary.min is not None else salary.max
    high = salary.max if salary.max is not None else salary.min
    assert low is not None and high is not None
    factor = _FACTOR[salary.period]
    return low * factor, high * factor


def annualise_usd(salary: Salary, on_date: date | None = None) -> tuple[float, float] | None:
    """(min, max) a year in USD with the currency table in force on `on_date` (latest if None)."""
    yearly = annualise(salary)
    if yearly is None or salary.currency is None:
        return None
    rate = _rates(on_date).get(salary.currency.upper())
    if rate is None:
        return None
    return round(yearly[0] * rate, 2), round(yearly[1] * rate, 2)


def salary_problem(salary: Salary, on_date: date | None = None) -> str | None:
    """Why a salary cannot be used, or None. Reasons starting "implausible" mean the figure is
    dropped; "currency unknown", "no rate for ..." and "pay period unknown" keep the stated
    figure but give no USD value. Without a currency, the bounds are applied to the stated
    numbers as if they were USD; a currency with no rate in the table cannot be judged, so its
    figure is kept as stated ("KES 180,000 per month"). Free text never yields an unknown
    period: a figure under 10,000 with no period word is not read as pay at all."""
    low, high = salary.min, salary.max
    if low is not None and high is not None:
        if high < low:
            return "implausible: max below min"
        if low > 0 and high / low > _PLAUSIBLE["max_ratio"]:
            return f"implausible: max/min {high / low:.1f} above {_PLAUSIBLE['max_ratio']}"
    if salary.period is None:
        return "pay period unknown"
    usd = annualise_usd(salary, on_date)
    if usd is None and salary.currency is not None and annualise(salary) is not None:
        return f"no rate for {salary.currency}"
    yearly = usd if usd is not None else annualise(salary)
    if yearly is None:
        return "no figure"
    if yearly[0] < _PLAUSIBLE["annual_usd_min"]:
        return f"implausible: annual USD {yearly[0]:,.0f} below {_PLAUSIBLE['annual_usd_min']:,}"
    if yearly[1] > _PLAUSIBLE["annual_usd_max"]:
        return f"implausible: annual USD {yearly[1]:,.0f} above {_PLAUSIBLE['annual_usd_max']:,}"
    if usd is None:
        return "currency unknown" if salary.currency is None else f"no rate for {salary.currency}"
    return None

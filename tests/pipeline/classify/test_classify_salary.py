"""Salary: parsed as stated, annualised to USD separately, implausible figures flagged."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.classify import ClassifyInput, annualise_usd, classify, parse_salary_text
from pipeline.classify.salary import _DIGIT, _RUN, _has_digit, _runs, extract_salary
from pipeline.models import Salary
from tests.support import grouped

SALARY_TEXTS = {
    "as stated": [
        ("$185,000 - $240,000 per year", (185000, 240000, "USD", "year")),
        ("$130k-$160k", (130000, 160000, "USD", "year")),
        ("$170-225K + equity", (170000, 225000, "USD", "year")),
        ("€60-100k", (60000, 100000, "EUR", "year")),
        ("£70k-£85k", (70000, 85000, "GBP", "year")),
        ("CA$120,000 - CA$150,000", (120000, 150000, "CAD", "year")),
        ("$110,000 - $140,000 CAD", (110000, 140000, "CAD", "year")),
        ("Salary range: 90k - 110k USD.", (90000, 110000, "USD", "year")),
        ("USD 120,000-150,000 per year", (120000, 150000, "USD", "year")),
        ("€70.000 - €90.000", (70000, 90000, "EUR", "year")),
        ("70.000 € - 85.000 €", (70000, 85000, "EUR", "year")),
        ("€90 000 - €120 000", (90000, 120000, "EUR", "year")),
        ("₹30 LPA - ₹45 LPA", (3000000, 4500000, "INR", "year")),
        ("12 lakh - 18 lakh per annum", (1200000, 1800000, "INR", "year")),
        ("₹18,00,000 - ₹25,00,000 per annum", (1800000, 2500000, "INR", "year")),
        ("$40-$60 per hour", (40, 60, "USD", "hour")),
        ("$19.50/hr", (19.5, 19.5, "USD", "hour")),
        ("£550 per day", (550, 550, "GBP", "day")),
        ("$1,500 - $2,000 per week", (1500, 2000, "USD", "week")),
        ("S$8,000 - S$11,000 per month", (8000, 11000, "SGD", "month")),
        ("$150,400/year - $260,000/year", (150400, 260000, "USD", "year")),
        ("$150K OTE", (150000, 150000, "USD", "year")),
        ("CHF 130,000 - 160,000", (130000, 160000, "CHF", "year")),
        ("The hourly rate is $25-$30.", (25, 30, "USD", "hour")),
        ("Pay range: $52.50 - $60.00/hr", (52.5, 60, "USD", "hour")),
        ("between $140,000 and $160,000", (140000, 160000, "USD", "year")),
        ("95.000-115.000 EUR brutto/Jahr", (95000, 115000, "EUR", "year")),
    ],
    "real posting formats": [
        ("Pay: CAD $30/hour", (30, 30, "CAD", "hour")),
        ("$30/hr CAD", (30, 30, "CAD", "hour")),
        ("Salary (CAD): $90,000 - $110,000", (90000, 110000, "CAD", "year")),
        ("Salary: $150-180,000", (150000, 180000, "USD", "year")),
        ("Compensation: $154-190,000 per year", (154000, 190000, "USD", "year")),
        ("Salary: CHF 140'000 - 160'000", (140000, 160000, "CHF", "year")),
        ("Salário: R$ 8.000 por mês", (8000, 8000, "BRL", "month")),
        ("R$ 8.000 - R$ 10.000 por mes", (8000, 10000, "BRL", "month")),
        ("Vergütung: 18 € pro Stunde", (18, 18, "EUR", "hour")),
        ("Salary: KES 180,000 per month", (180000, 180000, "KES", "month")),
        ("Sueldo: $40.000 a $50.000 MXN por mes", (40000, 50000, "MXN", "month")),
        ("TJM : 500 € / jour", (500, 500, "EUR", "day")),
        ("Salary range: 12.000 zł - 18.000 zł miesięcznie", (12000, 18000, "PLN", "month")),
        ("CTC: ₹25,00,000 - ₹35,00,000", (2500000, 3500000, "INR", "year")),
        ("₹18 LPA", (1800000, 1800000, "INR", "year")),
        ("Up to $200k", (None, 200000, "USD", "year")),
        ("Salary from €60,000", (60000, None, "EUR", "year")),
        ("Starting at $25/hr", (25, None, "USD", "hour")),
    ],
}
"""Pay as postings write it, and the (min, max, currency, period) it states."""


@pytest.mark.parametrize(("text", "expected"), grouped(SALARY_TEXTS))
def test_salary_text_parses_as_stated(text: str, expected: tuple[float | None, ...]) -> None:
    salary = parse_salary_text(text)
    assert salary is not None and salary.source == "text"
    labelled = classify(ClassifyInput(title="Engineer", salary_text=text)).salary
    assert labelled is not None
    for found in (salary, labelled):
        assert (found.min, found.max, found.currency, found.period) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Competitive salary, DOE",
        "We raised $71mil and have $1MM+ in revenue; building a $200B+ company.",
        "Selling 7+ figure contracts to 2,000 customers.",
        "0.3-0.41% equity",
        "Great 401k match and a $1,000 learning budget. Our team has 25 people.",
        "",
    ],
)
def test_company_facts_are_not_pay(text: str) -> None:
    assert parse_salary_text(text) is None


def test_the_pay_figure_wins_over_company_facts() -> None:
    text = "We raised $50mil. Senior Engineer | NYC | $260K - $300K + 0.3-0.41% Equity"
    salary = parse_salary_text(text)
    assert salary is not None
    assert (salary.min, salary.max) == (260000, 300000)


@pytest.mark.parametrize(
    ("salary_text", "reason"),
    [
        ("Salary: $20,000 - $150,000", "max/min"),
        ("$200k - $100k", "max below min"),
        ("Salary $5 - $10", "below"),
        ("$3,000,000 - $4,000,000", "above"),
    ],
)
def test_implausible_figures_are_flagged_not_kept(salary_text: str, reason: str) -> None:
    labels = classify(ClassifyInput(title="Data Analyst", salary_text=salary_text))
    assert labels.salary is None
    assert labels.salary_usd_annual_min is None
    assert labels.salary_flag is not None and reason in labels.salary_flag


def test_structured_salary_is_kept_and_beats_text() -> None:
    structured = Salary(min=100000, max=120000, currency="GBP", period="year")
    labels = classify(
        ClassifyInput(title="ML Engineer", salary=structured, salary_text="$1 - $2"),
        on_date=date(2026, 3, 1),
    )
    assert labels.salary == structured
    assert labels.salary_source == "structured"
    assert labels.salary_usd_annual_min == pytest.approx(134500)


def test_structured_salary_without_period_is_kept_without_usd() -> None:
    structured = Salary(min=150000, max=180000, currency="USD", period=None)
    labels = classify(ClassifyInput(title="ML Engineer", salary=structured))
    assert labels.salary == structured
    assert (labels.salary_usd_annual_min, labels.salary_flag) == (None, "pay period unknown")


def test_small_figures_without_a_period_are_not_pay() -> None:
    assert parse_salary_text("$45 - $60") is None


def test_annualise_uses_the_dated_table() -> None:
    salary = Salary(min=100, max=100, currency="EUR", period="day")
    early = annualise_usd(salary, on_date=date(2025, 3, 1))
    late = annualise_usd(salary, on_date=date(2026, 3, 1))
    assert early == (pytest.approx(26000 * 1.035), pytest.approx(26000 * 1.035))
    assert late is not None and early is not None and late[0] > early[0]
    assert annualise_usd(Salary(min=1, max=2, currency=None, period="year")) is None


def test_unknown_currency_keeps_the_figure_without_usd() -> None:
    salary, flag = extract_salary("SmarterDx | 150-250k+ + equity + benefits | Remote (US only)")
    assert salary is not None and (salary.min, salary.max, salary.currency) == (
        150000,
        250000,
        None,
    )
    assert flag == "currency unknown"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_parser_never_crashes_and_min_le_max(text: str) -> None:
    salary = parse_salary_text(text)
    if salary is not None:
        assert salary.min is not None and salary.max is not None
        assert salary.min <= salary.max


PAY_TEXT = st.text(alphabet="$£€₹0123456789kK,.-– /perhouryaLPAUSDGBEkmonthdaywk", max_size=40)


@settings(max_examples=300, deadline=None)
@given(PAY_TEXT)
def test_parser_on_pay_like_text(text: str) -> None:
    salary = parse_salary_text(text)
    if salary is not None:
        assert salary.min is not None and salary.max is not None
        assert salary.min <= salary.max


FACTORS = {"hour": 2080, "day": 260, "week": 52, "month": 12, "year": 1}


@settings(max_examples=200, deadline=None)
@given(
    annual=st.integers(min_value=20_000, max_value=1_900_000),
    period=st.sampled_from(sorted(FACTORS)),
)
def test_annualise_round_trips_for_each_period(annual: int, period: str) -> None:
    amount = max(10, annual // FACTORS[period])
    salary = parse_salary_text(f"${amount:,} per {period}")
    assert salary is not None
    assert (salary.min, salary.max, salary.currency, salary.period) == (
        amount,
        amount,
        "USD",
        period,
    )
    assert annualise_usd(salary) == (amount * FACTORS[period], amount * FACTORS[period])


@settings(max_examples=300, deadline=None)
@given(
    text=st.text()
    | st.lists(st.sampled_from(["12", "3", ",000", ".5", " ", "\u00a0", "٣", "$", "k", "a"])).map(
        "".join
    )
)
def test_digit_runs_are_those_of_the_run_pattern(text: str) -> None:
    assert [m.span() for m in _runs(text)] == [m.span() for m in _RUN.finditer(text)]
    assert _has_digit(text) == (_DIGIT.search(text) is not None)


def test_salary_text_is_the_matched_text() -> None:
    labels = classify(
        ClassifyInput(title="Engineer", description="Great team. The salary is $120k - $150k.")
    )
    assert labels.salary_text == "$120k - $150k"
    assert classify(ClassifyInput(title="Engineer")).salary_text is None


@pytest.mark.parametrize(
    "text",
    [
        "Housing subsidy of $2k per month",
        "Commuter benefits of $300/month and a $5,000 home office stipend",
        "$1,000 annual learning and development budget",
        "Signing bonus of $20,000 and relocation of $10k",
        "Generous 401(k) match of up to $6,000 per year",
        "$50,000 in equity",
    ],
)
def test_perks_are_never_pay(text: str) -> None:
    assert classify(ClassifyInput(title="Engineer", description=text)).salary is None


@pytest.mark.parametrize(
    "text", ["$120k - $130k + 10% bonus + 3% 401k + benefits", "$120k - $130k plus a 401k match"]
)
def test_pay_listed_before_perks_is_pay(text: str) -> None:
    salary = classify(ClassifyInput(title="Engineer", description=text)).salary
    assert salary is not None and (salary.min, salary.max) == (120000, 130000)


def test_pay_beside_a_perk_is_still_pay() -> None:
    text = (
        "The base salary is $150,000 - $180,000 per year. We also offer a $1,000 learning budget."
    )
    salary = classify(ClassifyInput(title="Engineer", description=text)).salary
    assert salary is not None and (salary.min, salary.max) == (150000, 180000)


def test_a_currency_without_a_rate_keeps_its_figure() -> None:
    labels = classify(ClassifyInput(title="Engineer", salary_text="KES 180,000 per month"))
    assert labels.salary is not None and labels.salary_usd_annual_min is None
    assert labels.salary_flag == "no rate for KES"

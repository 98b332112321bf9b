"""Job descriptions for the fictional market: HTML paragraphs built from a job's facts.

They carry the same cues real postings do (years asked, degree, skills, where the work
happens, pay stated in prose) so the classifier has something honest to read.
"""

from __future__ import annotations

import random
from datetime import date
from html import escape

from sample.world import Job

SYMBOL = {"USD": "$", "GBP": "£", "EUR": "€", "CAD": "CA$", "SGD": "S$", "INR": "₹"}
DEGREE = {
    "phd": "A PhD in computer science, machine learning or a related field.",
    "masters": "A Master's degree in a quantitative field, or equivalent experience.",
    "bachelors": "A Bachelor's degree in computer science or a related field.",
    "none": "No degree required: we care about what you have built.",
}
MISSION = (
    "We build dependable AI systems for people who rely on them every day.",
    "Our team turns research into products used by millions.",
    "We are a small, fast team shipping models into production.",
    "We help industries adopt machine learning safely and at scale.",
)
TEAM_SENTENCES = (
    "You will join a team that writes design documents before code and reviews them together.",
    "We plan in six-week cycles, with a cool-down week to fix what bothered us along the way.",
    "Every change ships behind a flag, and we watch the dashboards together after each release.",
    "We keep meetings short and write things down, so decisions survive after the call ends.",
    "Our on-call rotation is shared fairly and comes with a runbook for every alert we page on.",
    "New colleagues pair with a buddy for their first month and ship something in week one.",
    "We value clear writing, careful testing and the humility to ask for a second opinion.",
    "You will talk to the people who use what we build, and their feedback shapes the roadmap.",
    "We measure before we optimise and prefer boring, well-understood tools where they fit.",
    "Our interview process has four steps and we tell every candidate where they stand.",
    "We publish a yearly report on pay equity and on the diversity of our teams.",
    "Quarterly planning is open to everyone, and anyone can propose a project for the next cycle.",
)
SECTION_TITLES = ("How we work", "Your first months", "Our team", "How we hire", "Our values")
BENEFITS = (
    "Comprehensive health, dental and vision coverage.",
    "A learning budget and time for conferences.",
    "Generous parental leave.",
    "Retirement plan with company match.",
)


def money(value: float, currency: str) -> str:
    symbol = SYMBOL.get(currency, currency + " ")
    if currency == "EUR":
        return f"{symbol}{value:,.0f}".replace(",", ".")
    return f"{symbol}{value:,.0f}"


def pay_sentence(salary: tuple[float, float, str, str]) -> str:
    low, high, currency, period = salary
    if period == "hour":
        return f"Pay: {money(low, currency)} - {money(high, currency)} per hour."
    span = f"{money(low, currency)} - {money(high, currency)}"
    return f"The base salary range for this role is {span} per year, plus equity."


def workplace_sentence(job: Job) -> str:
    city = job.places[0].city
    if job.workplace == "remote":
        return "This role is fully remote; you can work from anywhere in the United States."
    if job.workplace == "hybrid":
        return f"This is a hybrid role: three days a week in our {city} office."
    return f"This role is onsite in our {city} office, five days a week."


def description_html(job: Job, night: date, *, show_pay: bool) -> str:
    rng = random.Random(job.key)
    skills = ", ".join(job.skills)
    parts = [
        f"<p><strong>{escape(job.company.name)}</strong>: {rng.choice(MISSION)}</p>",
        f"<h3>About the role</h3><p>As a {escape(job.title_on(night))} you will work with "
        f"{skills} to design, build and ship systems end to end.</p>",
        "<h3>What you bring</h3><ul>",
    ]
    if job.years is not None:
        parts.append(f"<li>{job.years}+ years of relevant industry experience.</li>")
    parts.append(f"<li>Hands-on experience with {skills}.</li>")
    parts.append(f"<li>{DEGREE[job.degree]}</li></ul>")
    parts.append(f"<p>{workplace_sentence(job)}</p>")
    if job.workplace == "onsite" and rng.random() < 0.3:
        parts.append("<p>Perk: work from anywhere two weeks a year.</p>")
    salary = job.salary_on(night)
    if salary and show_pay:
        parts.append(f"<p>{escape(pay_sentence(salary))}</p>")
    parts.append("<h3>Benefits</h3><ul>")
    parts.extend(f"<li>{b}</li>" for b in rng.sample(BENEFITS, k=3))
    parts.append("</ul>")
    for _ in range(job.extra_paragraphs):
        sentences = " ".join(rng.sample(TEAM_SENTENCES, k=rng.randint(4, 7)))
        parts.append(f"<h3>{rng.choice(SECTION_TITLES)}</h3><p>{sentences}</p>")
    return "".join(parts)

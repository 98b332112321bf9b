"""A seeded, fictional job market that the offline sample is rendered from.

Companies, jobs and their lives (opened, edited, closed) are drawn from one `random.Random`
seed, so the same seed always gives byte-identical payloads. Nothing here is copied from real
postings: company names are invented, titles come from the taxonomy's typical titles, and pay
follows the guide's bands with noise, so the weekly report has real tables to show.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

SEED = 20260913
FIRST_NIGHT = date(2026, 9, 13)
NIGHTS = 10
NIGHT_SPACING = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class Company:
    name: str
    source: str
    token: str
    industry: str
    kind: str
    size: int
    options: tuple[tuple[str, object], ...] = ()


@dataclass(frozen=True, slots=True)
class Place:
    label: str
    city: str
    region: str
    country: str
    currency: str
    pay_factor: float


@dataclass(slots=True)
class Job:
    """One job's whole life; renderers ask what it looked like on a given night."""

    key: int
    company: Company
    role: str
    seniority: str
    title: str
    places: list[Place]
    workplace: str
    salary: tuple[float, float, str, str] | None
    salary_shown: str
    years: int | None
    degree: str
    skills: list[str]
    opened: date
    closed: date | None
    edit_on: date | None = None
    edit_title: str | None = None
    edit_salary: tuple[float, float, str, str] | None = None
    also_on: list[str] = field(default_factory=list)
    extra_paragraphs: int = 0
    """Filler paragraphs about the team, so a benchmark can ask for real-length descriptions."""

    def open_on(self, night: date) -> bool:
        return self.opened <= night and (self.closed is None or night < self.closed)

    def edited(self, night: date) -> bool:
        return self.edit_on is not None and night >= self.edit_on

    def title_on(self, night: date) -> str:
        return self.edit_title if self.edited(night) and self.edit_title else self.title

    def salary_on(self, night: date) -> tuple[float, float, str, str] | None:
        if self.edited(night) and self.edit_salary:
            return self.edit_salary
        return self.salary

    def updated_at(self, night: date) -> datetime:
        day = self.edit_on if self.edited(night) and self.edit_on else self.opened
        return datetime.combine(day, time(15, 30)) + timedelta(minutes=self.key % 600)

    def published_at(self) -> datetime:
        return datetime.combine(self.opened, time(14, 0)) + timedelta(minutes=self.key % 600)


COMPANIES: tuple[Company, ...] = (
    Company("Northwind AI", "greenhouse", "northwindai", "Tech/Software", "lab", 20),
    Company(
        "Helix Robotics",
        "greenhouse",
        "helixrobotics",
        "Manufacturing",
        "robotics",
        14,
        (("fetch_pay", True),),
    ),
    Company("Quanta Health", "greenhouse", "quantahealth", "Healthcare", "applied", 13),
    Company(
        "Lumen Labs", "greenhouse", "lumenlabs", "Tech/Software", "lab", 16, (("fetch_pay", True),)
    ),
    Company("Cobalt Ledger", "greenhouse", "cobaltledger", "Finance/FinTech", "applied", 14),
    Company("Aurora Motors", "lever", "auroramotors", "Automotive", "robotics", 14),
    Company(
        "Vector Commerce",
        "lever",
        "vectorcommerce",
        "E-commerce/Retail",
        "applied",
        16,
        (("page_size", 20),),
    ),
    Company("Tidal Grid", "lever", "tidalgrid", "Energy/Climate", "applied", 10),
    Company("Parallax Research", "lever", "parallaxresearch", "Tech/Software", "lab", 16),
    Company("Meridian Labs", "ashby", "meridianlabs", "Tech/Software", "lab", 14),
    Company("Saffron Bank", "ashby", "saffronbank", "Finance/FinTech", "applied", 10),
    Company("Pinecrest Robotics", "ashby", "pinecrest", "Manufacturing", "robotics", 8),
    Company("Fernwood Bio", "workable", "fernwoodbio", "Healthcare", "applied", 8),
    Company("Glacier Energy", "workable", "glacierenergy", "Energy/Climate", "applied", 7),
    Company(
        "Halcyon Retail", "smartrecruiters", "HalcyonRetail", "E-commerce/Retail", "applied", 10
    ),
    Company(
        "Ironbridge Automotive", "smartrecruiters", "IronbridgeAuto", "Automotive", "robotics", 8
    ),
    Company(
        "Quillon Analytics",
        "jsonld",
        "quillon",
        "Tech/Software",
        "applied",
        7,
        (("sitemap", "https://careers.quillon.example/sitemap.xml"),),
    ),
    Company(
        "Brightwater Mutual",
        "jsonld",
        "brightwater",
        "Finance/FinTech",
        "applied",
        5,
        (("sitemap", "https://jobs.brightwater.example/sitemap_index.xml"),),
    ),
)
AGGREGATORS = ("remoteok", "remotive", "hn")
CROSS_POST_RATES = {"remoteok": 0.08, "remotive": 0.05, "hn": 0.05}
"""Share of ATS jobs also posted on each aggregator (of remote jobs for the remote-only boards),
so the sample holds cross-board duplicates by construction."""

PLACES: tuple[tuple[Place, float], ...] = (
    (Place("San Francisco, CA", "San Francisco", "CA", "US", "USD", 1.15), 14),
    (Place("Palo Alto, CA", "Palo Alto", "CA", "US", "USD", 1.15), 4),
    (Place("New York, NY", "New York", "NY", "US", "USD", 1.10), 10),
    (Place("Boston, MA", "Boston", "MA", "US", "USD", 1.02), 4),
    (Place("Cambridge, MA", "Cambridge", "MA", "US", "USD", 1.02), 2),
    (Place("Seattle, WA", "Seattle", "WA", "US", "USD", 1.05), 6),
    (Place("Bellevue, WA", "Bellevue", "WA", "US", "USD", 1.03), 2),
    (Place("Austin, TX", "Austin", "TX", "US", "USD", 0.92), 5),
    (Place("Chicago, IL", "Chicago", "IL", "US", "USD", 0.93), 3),
    (Place("Los Angeles, CA", "Los Angeles", "CA", "US", "USD", 1.0), 3),
    (Place("Miami, FL", "Miami", "FL", "US", "USD", 0.9), 2),
    (Place("London, United Kingdom", "London", "England", "GB", "GBP", 0.62), 7),
    (Place("Berlin, Germany", "Berlin", "Berlin", "DE", "EUR", 0.6), 3),
    (Place("Paris, France", "Paris", "Île-de-France", "FR", "EUR", 0.6), 2),
    (Place("Toronto, ON, Canada", "Toronto", "ON", "CA", "CAD", 1.05), 3),
    (Place("Singapore", "Singapore", "", "SG", "SGD", 1.05), 2),
    (Place("Bengaluru, India", "Bengaluru", "Karnataka", "IN", "INR", 0.3), 2),
)

ROLE_TITLES: dict[str, tuple[str, ...]] = {
    "ml_engineer": (
        "Machine Learning Engineer",
        "ML Engineer",
        "Applied ML Engineer",
        "ML Systems Engineer",
        "Deep Learning Engineer",
    ),
    "data_scientist": ("Data Scientist", "Product Data Scientist", "Decision Scientist"),
    "research_scientist": (
        "Research Scientist",
        "Research Engineer, Pretraining",
        "Applied Scientist",
        "Machine Learning Scientist",
    ),
    "nlp_llm_engineer": (
        "LLM Engineer",
        "NLP Engineer",
        "Generative AI Engineer",
        "AI Engineer, Agents",
        "Conversational AI Engineer",
    ),
    "computer_vision_engineer": (
        "Computer Vision Engineer",
        "Perception Engineer",
        "Vision ML Engineer",
    ),
    "rl_engineer": ("Reinforcement Learning Engineer", "RL Research Engineer"),
    "mlops_engineer": (
        "MLOps Engineer",
        "ML Platform Engineer",
        "ML Infrastructure Engineer",
        "LLMOps Engineer",
    ),
    "prompt_engineer": ("Prompt Engineer", "Prompt Designer"),
    "ai_product_manager": (
        "AI Product Manager",
        "Product Manager, Machine Learning",
        "Product Manager, LLM Platform",
    ),
    "ai_ethics_governance": ("Responsible AI Lead", "AI Governance Manager", "AI Policy Analyst"),
    "ai_safety_researcher": (
        "Alignment Researcher",
        "Interpretability Researcher",
        "AI Red Teamer",
    ),
    "ai_trainer_evaluator": ("AI Trainer", "AI Data Trainer", "AI Evaluator"),
    "ai_solutions_specialist": (
        "AI Solutions Architect",
        "Forward Deployed AI Engineer",
        "AI Customer Engineer",
    ),
    "ai_educator": ("AI Curriculum Designer", "AI Instructor"),
    "software_engineer": (
        "Software Engineer",
        "Backend Engineer",
        "Frontend Engineer",
        "Full-Stack Engineer",
        "Site Reliability Engineer",
    ),
    "data_engineer": ("Data Engineer", "Analytics Engineer"),
    "data_analyst": ("Data Analyst", "BI Analyst"),
    "other": (
        "Account Executive",
        "Recruiter",
        "Financial Analyst",
        "Office Manager",
        "Technical Writer",
        "Customer Success Manager",
    ),
}

ROLE_MIX: dict[str, dict[str, float]] = {
    "lab": {
        "ml_engineer": 14,
        "research_scientist": 14,
        "nlp_llm_engineer": 10,
        "ai_safety_researcher": 5,
        "mlops_engineer": 6,
        "rl_engineer": 3,
        "ai_product_manager": 4,
        "prompt_engineer": 3,
        "ai_trainer_evaluator": 3,
        "ai_solutions_specialist": 4,
        "ai_ethics_governance": 2,
        "ai_educator": 1,
        "software_engineer": 14,
        "data_scientist": 3,
        "data_engineer": 3,
        "other": 11,
    },
    "applied": {
        "ml_engineer": 12,
        "data_scientist": 12,
        "nlp_llm_engineer": 6,
        "mlops_engineer": 4,
        "ai_product_manager": 4,
        "prompt_engineer": 2,
        "ai_solutions_specialist": 3,
        "ai_ethics_governance": 2,
        "ai_educator": 1,
        "software_engineer": 18,
        "data_engineer": 7,
        "data_analyst": 7,
        "other": 14,
    },
    "robotics": {
        "ml_engineer": 10,
        "computer_vision_engineer": 12,
        "rl_engineer": 5,
        "research_scientist": 5,
        "mlops_engineer": 4,
        "data_scientist": 3,
        "ai_product_manager": 2,
        "software_engineer": 22,
        "data_engineer": 4,
        "other": 13,
    },
}

SENIORITY_MIX = {"intern": 3, "entry": 16, "mid": 34, "senior": 38, "executive": 5, "unknown": 4}
SENIORITY_TITLE = {
    "intern": ("{t} Intern",),
    "entry": ("Junior {t}", "Associate {t}", "{t} I", "{t}, New Grad"),
    "mid": ("{t} II", "{t}"),
    "senior": ("Senior {t}", "Staff {t}", "Principal {t}", "Sr. {t}", "Lead {t}"),
    "executive": ("Head of {h}", "Director, {h}"),
    "unknown": ("{t}",),
}
SENIORITY_YEARS = {
    "intern": None,
    "entry": (0, 2),
    "mid": (2, 4),
    "senior": (5, 8),
    "executive": (10, 12),
    "unknown": None,
}

BASE_PAY: dict[str, tuple[float, float, float]] = {
    "ml_engineer": (135, 180, 245),
    "data_scientist": (110, 150, 200),
    "research_scientist": (175, 240, 340),
    "nlp_llm_engineer": (140, 185, 250),
    "computer_vision_engineer": (130, 175, 235),
    "rl_engineer": (140, 185, 250),
    "mlops_engineer": (130, 170, 225),
    "prompt_engineer": (100, 140, 180),
    "ai_product_manager": (140, 175, 235),
    "ai_ethics_governance": (110, 140, 185),
    "ai_safety_researcher": (150, 200, 270),
    "ai_solutions_specialist": (120, 160, 210),
    "ai_educator": (95, 125, 160),
    "software_engineer": (120, 155, 205),
    "data_engineer": (115, 150, 195),
    "data_analyst": (80, 105, 135),
    "other": (70, 95, 130),
}
USD_PER = {"USD": 1.0, "GBP": 1.27, "EUR": 1.08, "CAD": 0.73, "SGD": 0.74, "INR": 0.012}

SKILLS_BY_ROLE: dict[str, tuple[str, ...]] = {
    "ml_engineer": ("Python", "PyTorch", "TensorFlow", "Kubernetes", "AWS", "Spark", "SQL"),
    "data_scientist": ("Python", "SQL", "R", "statistics", "A/B testing", "Spark"),
    "research_scientist": ("Python", "PyTorch", "JAX", "CUDA", "LLM"),
    "nlp_llm_engineer": ("Python", "LLM", "RAG", "Hugging Face", "LangChain", "PyTorch"),
    "computer_vision_engineer": ("Python", "C++", "PyTorch", "OpenCV", "CUDA"),
    "rl_engineer": ("Python", "PyTorch", "JAX", "reinforcement learning"),
    "mlops_engineer": ("Python", "Kubernetes", "Docker", "Terraform", "AWS", "GCP"),
    "prompt_engineer": ("LLM", "Python", "evaluation"),
    "ai_product_manager": ("LLM", "SQL", "roadmaps"),
    "ai_safety_researcher": ("Python", "PyTorch", "LLM", "interpretability"),
    "software_engineer": ("Python", "Go", "TypeScript", "AWS", "Docker", "PostgreSQL"),
    "data_engineer": ("SQL", "Python", "Spark", "Airflow", "dbt", "Snowflake"),
    "data_analyst": ("SQL", "Tableau", "Excel", "Python"),
}

HEAD_OF = {
    "ml_engineer": "Machine Learning",
    "data_scientist": "Data Science",
    "research_scientist": "Research",
    "nlp_llm_engineer": "LLM Engineering",
    "computer_vision_engineer": "Computer Vision",
    "rl_engineer": "Reinforcement Learning",
    "mlops_engineer": "ML Platform",
    "software_engineer": "Engineering",
    "data_engineer": "Data Engineering",
    "data_analyst": "Analytics",
}


def nights() -> list[date]:
    return [FIRST_NIGHT + NIGHT_SPACING * k for k in range(NIGHTS)]


def build_world(seed: int = SEED) -> list[Job]:
    """Every job of every company over the sample's weeks, deterministic in `seed`."""
    rng = random.Random(seed)
    all_nights = nights()
    first, last = all_nights[0], all_nights[-1]
    jobs: list[Job] = []
    for company in COMPANIES:
        opened_days = [first - timedelta(days=rng.randint(1, 60)) for _ in range(company.size * 2)]
        weeks = (last - first).days // 7
        for week in range(weeks + 1):
            for _ in range(max(1, round(rng.gauss(company.size / 6, 1.5)))):
                opened_days.append(first + timedelta(days=7 * week + rng.randint(0, 6)))
        for opened in opened_days:
            jobs.append(_job(rng, len(jobs), company, opened, last))
    _cross_post(random.Random(seed + 1), jobs)
    return jobs


def _cross_post(rng: random.Random, jobs: list[Job]) -> None:
    """Mark jobs also posted on aggregators, from their own seed so ATS jobs do not shift."""
    for job in jobs:
        for board in AGGREGATORS:
            remote_only = board in ("remoteok", "remotive")
            draw = rng.random()
            if (job.workplace == "remote" or not remote_only) and draw < CROSS_POST_RATES[board]:
                job.also_on.append(board)


def _job(rng: random.Random, key: int, company: Company, opened: date, last: date) -> Job:
    mix = ROLE_MIX[company.kind]
    role = rng.choices(list(mix), weights=list(mix.values()))[0]
    seniority = rng.choices(list(SENIORITY_MIX), weights=list(SENIORITY_MIX.values()))[0]
    if role in ("ai_trainer_evaluator", "prompt_engineer") and seniority == "executive":
        seniority = "senior"
    if seniority == "executive" and role not in HEAD_OF:
        seniority = "senior"
    base = rng.choice(ROLE_TITLES[role])
    pattern = rng.choice(SENIORITY_TITLE[seniority])
    title = pattern.format(t=base, h=HEAD_OF.get(role, ""))
    places = [_place(rng)]
    if rng.random() < 0.15:
        extra = _place(rng)
        if extra != places[0]:
            places.append(extra)
    workplace = rng.choices(["onsite", "hybrid", "remote"], weights=[38, 37, 25])[0]
    years_range = SENIORITY_YEARS[seniority]
    years = rng.randint(*years_range) if years_range else None
    degree = rng.choices(["none", "bachelors", "masters", "phd"], weights=[25, 45, 18, 12])[0]
    if role in ("research_scientist", "ai_safety_researcher") and rng.random() < 0.7:
        degree = "phd"
    skills = rng.sample(
        SKILLS_BY_ROLE.get(role, ("Python", "SQL")),
        k=min(3, len(SKILLS_BY_ROLE.get(role, ("Python", "SQL")))),
    )
    salary = _salary(rng, role, seniority, places[0], workplace)
    shown = rng.choices(["structured", "text", "none"], weights=[45, 25, 30])[0]
    lifetime = timedelta(days=max(5, int(rng.expovariate(1 / 50))))
    closed = opened + lifetime
    job = Job(
        key=key,
        company=company,
        role=role,
        seniority=seniority,
        title=title,
        places=places,
        workplace=workplace,
        salary=salary,
        salary_shown=shown if salary else "none",
        years=years,
        degree=degree,
        skills=skills,
        opened=opened,
        closed=closed if closed <= last else None,
    )
    if rng.random() < 0.12:
        job.edit_on = opened + timedelta(days=rng.randint(7, 30))
        if salary and rng.random() < 0.6:
            low, high, cur, period = salary
            job.edit_salary = (
                round(low * 1.05, -3) or low,
                round(high * 1.05, -3) or high,
                cur,
                period,
            )
        else:
            job.edit_title = title + (" (Remote)" if workplace == "remote" else ", Platform")
    return job


def _place(rng: random.Random) -> Place:
    places, weights = zip(*PLACES, strict=True)
    return rng.choices(places, weights=weights)[0]


def _salary(
    rng: random.Random, role: str, seniority: str, place: Place, workplace: str
) -> tuple[float, float, str, str] | None:
    if role == "ai_trainer_evaluator":
        low = rng.choice([25, 30, 35, 40, 45, 50])
        return (float(low), float(low + rng.choice([10, 15, 20])), "USD", "hour")
    entry, mid, senior = BASE_PAY[role]
    if seniority == "intern":
        hourly = round(entry * 1000 * 0.55 / 2080 / 5) * 5
        return (float(hourly), float(hourly + 10), "USD", "hour")
    centre = {
        "entry": entry,
        "mid": mid,
        "senior": senior,
        "executive": senior * 1.3,
        "unknown": mid,
    }[seniority]
    factor = 0.85 if workplace == "remote" else place.pay_factor
    currency = "USD" if workplace == "remote" else place.currency
    local = centre * 1000 * factor * rng.uniform(0.9, 1.1) / USD_PER[currency]
    spread = rng.uniform(0.12, 0.3)
    step = 50000 if currency == "INR" else 5000
    low = round(local * (1 - spread / 2) / step) * step
    high = round(local * (1 + spread / 2) / step) * step
    return (float(low), float(max(high, low + step)), currency, "year")

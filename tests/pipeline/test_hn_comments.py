"""One test per way a "Who is hiring?" comment is written, in HN's own HTML (`<p>` breaks,
`&#x2F;` entities, `<a href>` links). The comments are made up for these tests."""

from __future__ import annotations

from typing import Any

from pipeline.sources.hn_comments import ROLE_NOT_STATED, parse_comment


def titles(markup: str) -> list[str]:
    return [role["title"] for role in parse_comment(markup)]


def only(markup: str) -> dict[str, Any]:
    [role] = parse_comment(markup)
    return role


def test_dash_separated_header_without_pipes() -> None:
    role = only(
        "Quill Labs (Remote EU) — Platform Engineer — Go &#x2F; Postgres &#x2F; Kubernetes"
        "<p>Quill Labs builds billing software for utilities.</p>"
    )
    assert (role["company"], role["title"]) == ("Quill Labs", "Platform Engineer")
    assert role["workplace_type"] == "remote" and role["remote_regions"] == ["EU"]
    assert role["locations"] == ["Remote EU"]


def test_spaced_hyphens_keep_a_pay_range_whole() -> None:
    role = only("Harbor - Senior Backend Developer - Remote - $140k - $170k<p>We ship.")
    assert (role["company"], role["title"]) == ("Harbor", "Senior Backend Developer")
    assert (role["salary_min"], role["salary_max"]) == (140000.0, 170000.0)


def test_key_value_lines() -> None:
    role = only(
        "Company: Orbit Foods<p>Role: Senior Data Engineer<p>Location: Denver, CO (Hybrid)"
        "<p>Compensation: $150k-$170k + equity<p>Orbit Foods tracks cold chains.</p>"
    )
    assert (role["company"], role["title"]) == ("Orbit Foods", "Senior Data Engineer")
    assert role["workplace_type"] == "hybrid"
    assert (role["salary_min"], role["salary_currency"]) == (150000.0, "USD")


def test_prose_comment_names_company_and_role() -> None:
    role = only(
        "Marble Works is hiring a Staff Rust Engineer to build our storage layer. Remote "
        'within the US.<p>Apply: <a href="https:&#x2F;&#x2F;marble.example&#x2F;jobs">'
        "https:&#x2F;&#x2F;marble.example&#x2F;jobs</a></p>"
    )
    assert (role["company"], role["title"]) == ("Marble Works", "Staff Rust Engineer")


def test_body_list_under_a_bulk_header_with_each_line_own_pay() -> None:
    roles = parse_comment(
        "Tidewater | Multiple roles | New York, NY | ONSITE | $150k-$200k"
        "<p>We make tide tables for shipping.<p>Open roles:"
        "<p>- Senior Backend Engineer - https:&#x2F;&#x2F;tidewater.example&#x2F;1"
        "<p>- Product Designer (New York)"
        "<p>- ML Engineer - $180k - $220k"
    )
    assert [r["title"] for r in roles] == [
        "Senior Backend Engineer",
        "Product Designer",
        "ML Engineer",
    ]
    assert {r["company"] for r in roles} == {"Tidewater"}
    assert all(r["workplace_type"] == "onsite" for r in roles)
    assert [r["salary_min"] for r in roles] == [150000.0, 150000.0, 180000.0]


def test_plural_header_role_gives_way_to_the_listed_roles() -> None:
    assert titles(
        "Fernway | Software Engineers | Berlin | Full-time<p>We build ferry software."
        "<p>Lead Software Engineer (Payments)<p>Software Engineer (Data Platform)"
    ) == ["Lead Software Engineer (Payments)", "Software Engineer (Data Platform)"]


def test_header_roles_split_and_keep_their_own_words() -> None:
    assert titles("Cobalt | Staff SWE, AI, Staff SWE, Product | SF | ONSITE<p>Hi.") == [
        "Staff SWE, AI",
        "Staff SWE, Product",
    ]


def test_sentence_listing_roles() -> None:
    assert titles(
        "Sable | REMOTE (US)<p>We sell weather data.<p>We're hiring: backend engineers, "
        "a product designer and technical writers.</p>"
    ) == ["Backend engineers", "Product designer", "Technical writers"]


def test_a_sentence_repeating_the_header_role_adds_nothing() -> None:
    assert titles(
        "Lattice Point | Senior Frontend Engineer | Remote<p>We're looking for a senior "
        "frontend engineer who enjoys design systems.</p>"
    ) == ["Senior Frontend Engineer"]


def test_pitch_bullets_are_not_roles() -> None:
    assert titles(
        "Acme | Backend Engineer | Remote<p>What you&#x27;ll do:<p>- Build APIs with our "
        "team<p>- Lead by example<p>- 5+ years as a backend engineer"
    ) == ["Backend Engineer"]


def test_title_line_above_the_header() -> None:
    role = only("Lead Full-Stack Engineer<p>Northwind | Remote (US only) | Full-time | 185-250k")
    assert (role["company"], role["title"]) == ("Northwind", "Lead Full-Stack Engineer")
    assert role["employment_type"] == "full_time" and role["salary_max"] == 250000.0


def test_role_at_company() -> None:
    role = only("Founding Engineer @ Lumen (San Francisco, ONSITE)<p>Lumen makes lamps.")
    assert (role["company"], role["title"]) == ("Lumen", "Founding Engineer")
    assert role["workplace_type"] == "onsite"


def test_header_without_a_role_is_one_posting_marked_unstated() -> None:
    role = only("Kestrel Bio | Boston, MA | ONSITE | Full-time<p>We build lab robots.")
    assert role["company"] == "Kestrel Bio" and role["title"] == ROLE_NOT_STATED
    assert role["role_stated"] is False


def test_comments_that_advertise_nothing() -> None:
    assert parse_comment("Is this role open to people in Canada?") == []
    assert parse_comment("Aggregated for easier reading: https:&#x2F;&#x2F;x.example&#x2F;") == []
    assert parse_comment("Seeking remote frontend opportunities<p>Resume: cv.example") == []
    assert parse_comment("I applied last month and never heard back.") == []


def test_level_numeral_is_not_the_pronoun() -> None:
    roles = parse_comment(
        "Pinecrest (pinecrest.example) | Denver, CO | Hybrid | Full-time\n"
        "- Data Engineer I ($100K-$120K)\n- Data Engineer III<p>I lead the data team.</p>"
    )
    assert [r["title"] for r in roles] == ["Data Engineer I", "Data Engineer III"]
    assert [r["salary_min"] for r in roles] == [100000.0, None]


def test_company_found_in_every_header_form() -> None:
    firm = only("Birch Legal Partners | Full-Stack Developer | Austin, TX | ONSITE<p>Hi.")
    assert (firm["company"], firm["title"]) == ("Birch Legal Partners", "Full-Stack Developer")
    at = only("Senior Data Analyst at Ledger.example, the staking people | Remote<p>Hi.")
    assert (at["company"], at["title"]) == ("Ledger.example", "Senior Data Analyst")
    linked = only(
        'Juniper Health | <a href="https:&#x2F;&#x2F;juniper.example">https:&#x2F;&#x2F;'
        "juniper.example</a><p>Open roles:<p>- Fullstack Engineer</p>"
    )
    assert (linked["company"], linked["title"]) == ("Juniper Health", "Fullstack Engineer")
    domain = parse_comment("Vole.io - Meeting notes that write themselves<p>- Founding PM")
    assert [(r["company"], r["title"]) for r in domain] == [("Vole.io", "Founding PM")]
    prose = only("Hey! We're hiring for a Founding GTM Lead at Osprey AI. Join us in NYC.")
    assert (prose["company"], prose["title"]) == ("Osprey AI", "Founding GTM Lead")


def test_sentence_roles_keep_shared_nouns_and_leading_capitals() -> None:
    assert titles("Kiln is hiring Agent Engineers in Denver. Onsite.") == ["Agent Engineers"]
    assert titles(
        "Kiln | Denver | ONSITE<p>We're hiring platform and inference engineers to scale it."
    ) == ["Platform and inference engineers"]
    assert titles(
        "I'm hiring for a developer advocate, and Kiln has more open positions.<p>Hi."
    ) == ["Developer advocate"]

"""Locations: city, region, ISO country and metro area; same-named towns are not the metro."""

from __future__ import annotations

import pytest

from pipeline.classify import ClassifyInput, classify
from pipeline.classify.location import parse_location


@pytest.mark.parametrize(
    ("raw", "city", "region", "country", "metro"),
    [
        ("San Francisco, CA", "San Francisco", "CA", "US", "sf_bay_area"),
        ("Palo Alto, CA", "Palo Alto", "CA", "US", "sf_bay_area"),
        ("South San Francisco, CA", "South San Francisco", "CA", "US", "sf_bay_area"),
        ("Oakland, CA", "Oakland", "CA", "US", "sf_bay_area"),
        ("Cambridge, MA", "Cambridge", "MA", "US", "boston"),
        ("Redmond, WA", "Redmond", "WA", "US", "seattle"),
        ("Bellevue, WA", "Bellevue", "WA", "US", "seattle"),
        ("Santa Monica, CA", "Santa Monica", "CA", "US", "los_angeles"),
        ("NYC, NY", "New York", "NY", "US", "new_york"),
        ("Bengaluru, Karnataka, India", "Bangalore", "KA", "IN", "bangalore"),
        ("London", "London", None, "GB", "london"),
        ("London, UK", "London", None, "GB", "london"),
        ("London, ON, Canada", "London", "ON", "CA", None),
        ("Paris, TX", "Paris", "TX", "US", None),
        ("Paris, France", "Paris", "IDF", "FR", "paris"),
        ("Cambridge, UK", "Cambridge", None, "GB", None),
        ("Berlin, Germany", "Berlin", None, "DE", "berlin"),
        ("Toronto, ON", "Toronto", "ON", "CA", "toronto"),
        ("Singapore", "Singapore", None, "SG", "singapore"),
        ("Bentonville, AR", "Bentonville", "AR", "US", None),
        ("Remote - US", None, None, "US", None),
        ("United Kingdom", None, None, "GB", None),
        ("Remote (North America)", None, None, None, None),
        ("Seattle, Washington", "Seattle", "WA", "US", "seattle"),
        ("US-CA-San Francisco", "San Francisco", "CA", "US", "sf_bay_area"),
        ("Washington, D.C.", "Washington", "DC", "US", None),
        ("Mountain View, California, United States", "Mountain View", "CA", "US", "sf_bay_area"),
    ],
)
def test_parse_location(
    raw: str, city: str | None, region: str | None, country: str | None, metro: str | None
) -> None:
    assert parse_location(raw) == {
        "raw": raw,
        "city": city,
        "region": region,
        "country": country,
        "metro": metro,
    }


def test_a_bare_ambiguous_name_is_not_guessed() -> None:
    parsed = parse_location("Cambridge")
    assert (parsed["country"], parsed["metro"]) == (None, None)


def test_first_location_is_primary() -> None:
    labels = classify(
        ClassifyInput(title="ML Engineer", locations=["Mountain View, CA", "London, UK"])
    )
    assert [loc["metro"] for loc in labels.locations] == ["sf_bay_area", "london"]
    assert (labels.country, labels.metro) == ("US", "sf_bay_area")
    assert classify(ClassifyInput(title="ML Engineer")).metro is None


@pytest.mark.parametrize(
    ("raw", "country"),
    [
        ("Düsseldorf", "DE"),
        ("Wroclaw", "PL"),
        ("Hyderabad", "IN"),
        ("Kolkata", "IN"),
        ("Bratislava", "SK"),
        ("Uruguay", "UY"),
        ("Slovakia - Kosice", "SK"),
        ("Riyadh, Saudi Arabia", "SA"),
    ],
)
def test_bare_cities_and_countries_outside_the_us(raw: str, country: str) -> None:
    assert parse_location(raw)["country"] == country


@pytest.mark.parametrize(
    ("raw", "city", "country"),
    [
        ("San Francisco Office (HQ)", "San Francisco", "US"),
        ("NYC Office - 307 7th Ave", "New York", "US"),
        ("Paris office", "Paris", "FR"),
        ("Chicago-Hybrid", "Chicago", "US"),
        ("New York City-Hybrid", "New York", "US"),
        ("San Francisco-Onsite", "San Francisco", "US"),
        ("Remote Ireland", None, "IE"),
        ("Anywhere in the United States", None, "US"),
        ("US-San Francisco, US-Chicago", "San Francisco", "US"),
        ("Redwood City or New York City", "Redwood City", "US"),
    ],
)
def test_office_names_and_arrangement_words_leave_the_place(
    raw: str, city: str | None, country: str
) -> None:
    parsed = parse_location(raw)
    assert (parsed["city"], parsed["country"]) == (city, country)


@pytest.mark.parametrize(
    ("raw", "country"), [("Acme US", "US"), ("Acme UK", "GB"), ("Midwest US", "US")]
)
def test_company_and_region_labels_give_the_country(raw: str, country: str) -> None:
    assert parse_location(raw)["country"] == country


@pytest.mark.parametrize(
    ("raw", "country"),
    [
        ("Europe, UK, Germany, France, European timezones", None),
        ("Americas, Europe, Asia", None),
        ("EMEA - London", "GB"),
    ],
)
def test_a_region_led_list_names_no_single_country(raw: str, country: str | None) -> None:
    assert parse_location(raw)["country"] == country

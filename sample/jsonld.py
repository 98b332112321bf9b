"""Career-site pages with schema.org JobPosting JSON-LD for the fictional market.

Each site serves a robots.txt that disallows `/internal/`, and its sitemap lists one page
there, so every night shows a URL the crawler must skip. The JSON-LD varies as it does in
the wild: a bare object, an `@graph`, an array beside a BreadcrumbList; the organisation and
address as strings or objects; the identifier as a PropertyValue, a string or missing.
A site whose option is `sitemap_index.xml` serves a sitemap index pointing to a child sitemap.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from html import escape
from typing import Any
from urllib.parse import urlsplit

from pipeline.snapshot import snapshot_key
from sample.raw import Raw
from sample.text import description_html
from sample.world import Company, Job

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
ROBOTS = "User-agent: *\nDisallow: /internal/\n"
HTML_TYPE = "text/html; charset=utf-8"
XML_TYPE = "application/xml"


def site(company: Company) -> str:
    parts = urlsplit(str(dict(company.options)["sitemap"]))
    return f"{parts.scheme}://{parts.netloc}"


def page_url(job: Job) -> str:
    slug = job.title.lower().replace(",", "").replace(".", "").replace(" ", "-")
    return f"{site(job.company)}/jobs/{slug}-{job.key}"


def job_posting(job: Job, night: date) -> dict[str, Any]:
    place = job.places[0]
    variant = job.key % 4
    node: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": job.title_on(night),
        "description": description_html(job, night, show_pay=job.salary_shown == "text"),
        "datePosted": job.opened.isoformat(),
        "validThrough": (job.opened + timedelta(days=90)).isoformat() + "T23:59:59Z",
        "employmentType": "INTERN" if job.seniority == "intern" else ["FULL_TIME"],
        "hiringOrganization": job.company.name
        if variant == 1
        else {"@type": "Organization", "name": job.company.name, "sameAs": site(job.company)},
        "url": page_url(job),
    }
    if variant == 0:
        node["identifier"] = {
            "@type": "PropertyValue",
            "name": job.company.name,
            "value": f"JR-{job.key}",
        }
    elif variant in (1, 2):
        node["identifier"] = f"JR-{job.key}"
    if job.workplace == "remote":
        node["jobLocationType"] = "TELECOMMUTE"
        node["applicantLocationRequirements"] = {"@type": "Country", "name": "USA"}
    else:
        address: Any = (
            place.label
            if variant == 3
            else {
                "@type": "PostalAddress",
                "addressLocality": place.city,
                "addressRegion": place.region,
                "addressCountry": place.country,
            }
        )
        node["jobLocation"] = {"@type": "Place", "address": address}
        if job.workplace == "hybrid":
            node["jobLocationType"] = "TELECOMMUTE"
    salary = job.salary_on(night)
    if salary and job.salary_shown == "structured":
        low, high, currency, period = salary
        node["baseSalary"] = {
            "@type": "MonetaryAmount",
            "currency": currency,
            "value": {
                "@type": "QuantitativeValue",
                "minValue": low,
                "maxValue": high,
                "unitText": period.upper(),
            },
        }
    return node


def page(job: Job, night: date) -> str:
    node = job_posting(job, night)
    variant = job.key % 3
    if variant == 0:
        block: Any = node
    elif variant == 1:
        node.pop("@context")
        block = {
            "@context": "https://schema.org",
            "@graph": [{"@type": "WebPage", "url": page_url(job)}, node],
        }
    else:
        block = [{"@type": "BreadcrumbList", "itemListElement": []}, node]
    ld = json.dumps(block, ensure_ascii=False).replace("</", "<\\/")
    return (
        "<!doctype html><html><head>"
        f"<title>{escape(job.title_on(night))} | {escape(job.company.name)}</title>"
        f'<script type="application/ld+json">{ld}</script>'
        "</head><body>"
        f"<h1>{escape(job.title_on(night))}</h1>{node['description']}"
        "</body></html>"
    )


def _urlset(urls: list[str], night: date) -> str:
    entries = "".join(f"<url><loc>{u}</loc><lastmod>{night}</lastmod></url>" for u in urls)
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="{SITEMAP_NS}">{entries}</urlset>'


def render(company: Company, jobs: list[Job], night: date) -> dict[str, Any]:
    root = site(company)
    sitemap = str(dict(company.options)["sitemap"])
    ordered = sorted(jobs, key=lambda j: j.key)
    urls = [page_url(j) for j in ordered] + [f"{root}/internal/referral-bonus"]
    out: dict[str, Any] = {snapshot_key(f"{root}/robots.txt"): Raw(ROBOTS, "text/plain")}
    if sitemap.endswith("sitemap_index.xml"):
        child = f"{root}/sitemap-jobs.xml"
        out[snapshot_key(sitemap)] = Raw(
            f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="{SITEMAP_NS}">'
            f"<sitemap><loc>{child}</loc><lastmod>{night}</lastmod></sitemap></sitemapindex>",
            XML_TYPE,
        )
        out[snapshot_key(child)] = Raw(_urlset(urls, night), XML_TYPE)
    else:
        out[snapshot_key(sitemap)] = Raw(_urlset(urls, night), XML_TYPE)
    for job in ordered:
        out[snapshot_key(page_url(job))] = Raw(page(job, night), HTML_TYPE)
    out[snapshot_key(f"{root}/internal/referral-bonus")] = Raw(
        "<html><body>Internal only</body></html>", HTML_TYPE
    )
    return out

"""Which of the sample's postings are the same job, known by construction.

A job on its employer's board is one posting; each aggregator that also lists it (RemoteOK,
Remotive, a monthly Hacker News thread) adds another. The groups here are every posting of
one job as `source:source_id`, in the ids each source's parser gives them, so the canonical
grouping can be scored against them (`warehouse.dedupe.grouping_accuracy`). Only jobs with
more than one posting are listed: a job seen once has nothing to group.
"""

from __future__ import annotations

import hashlib
from datetime import date

from sample.ashby import job_id
from sample.hn import comment_groups, months_until, story_id
from sample.jsonld import page_url
from sample.lever import posting_id as lever_id
from sample.smartrecruiters import posting_id as smartrecruiters_id
from sample.workable import shortcode
from sample.world import SEED, Job, build_world, nights


def truth_groups(seed: int = SEED) -> list[list[str]]:
    world = build_world(seed)
    keys: dict[int, set[str]] = {job.key: set() for job in world}
    by_key = {job.key: job for job in world}
    for night in nights():
        for job in world:
            if job.open_on(night):
                keys[job.key].add(f"{job.company.source}:{employer_id(job, night)}")
                if "remoteok" in job.also_on:
                    keys[job.key].add(f"remoteok:{1100000 + job.key}")
                if "remotive" in job.also_on:
                    keys[job.key].add(f"remotive:{2000000 + job.key}")
        story = story_id(months_until(night)[-1])
        for comment in comment_groups(world, night):
            cid = story + 10 + comment[0].key
            for n, job in enumerate(comment):
                keys[job.key].add(f"hn:{cid}-{n}")
    return [
        sorted(members)
        for key, members in sorted(keys.items())
        if len(members) > 1 and by_key[key].also_on
    ]


def employer_id(job: Job, night: date) -> str:
    """The job's id on its employer's own board, as that source's parser keys it."""
    company = job.company
    if company.source == "greenhouse":
        return str(4000000 + job.key)
    if company.source == "lever":
        return lever_id(job)
    if company.source == "ashby":
        return job_id(company.token, job.key)
    if company.source == "smartrecruiters":
        return smartrecruiters_id(job)
    if company.source == "workable":
        return shortcode(job)
    if job.key % 4 == 3:
        text = f"{page_url(job)}\x1f{job.title_on(night)}"
        return f"{company.token}:{hashlib.sha256(text.encode()).hexdigest()[:24]}"
    return f"{company.token}:JR-{job.key}"

from __future__ import annotations

import requests
import responses

from pipeline.robots import RobotsChecker
from tests.support import make_client

ROBOTS = "https://careers.example.com/robots.txt"


@responses.activate
def test_rules_are_read_once_through_the_client() -> None:
    responses.get(ROBOTS, body="User-agent: *\nDisallow: /private/\n")
    robots = RobotsChecker(make_client())
    assert robots.allowed("https://careers.example.com/jobs/1")
    assert not robots.allowed("https://careers.example.com/private/2")
    assert len(responses.calls) == 1
    assert responses.calls[0].request.headers["User-Agent"] == "jobtrends-test"


@responses.activate
def test_missing_robots_allows_everything() -> None:
    responses.get(ROBOTS, status=404)
    assert RobotsChecker(make_client()).allowed("https://careers.example.com/private/2")


@responses.activate
def test_server_error_disallows_everything() -> None:
    responses.get(ROBOTS, status=503)
    assert not RobotsChecker(make_client()).allowed("https://careers.example.com/jobs/1")


def test_unreachable_host_disallows_everything() -> None:
    with responses.RequestsMock() as mock:
        mock.get(ROBOTS, body=requests.ConnectionError("refused"))
        assert not RobotsChecker(make_client()).allowed("https://careers.example.com/jobs/1")


@responses.activate
def test_rules_for_our_agent_apply() -> None:
    responses.get(
        ROBOTS, body="User-agent: jobtrends-test\nDisallow: /\n\nUser-agent: *\nAllow: /\n"
    )
    assert not RobotsChecker(make_client()).allowed("https://careers.example.com/jobs/1")

"""robots.txt rules for the crawlers that read employers' own pages (JSON-LD career sites).

The file is fetched through the shared `HttpClient` (so it gets the same User-Agent, rate
limit, retries, size cap and, in sample mode, the same snapshot transport) and parsed with
`urllib.robotparser`, never with its own fetching. One fetch per host per checker.

Failure handling follows RFC 9309: a 4xx (404 above all) means there are no rules, so
everything is allowed; a 5xx or no answer at all means the rules are unknown, and the
conservative reading is "disallow everything" until a later run can read them.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

from pipeline.http import FatalHttpError, HttpClient, HttpError


class RobotsChecker:
    def __init__(self, client: HttpClient, user_agent: str | None = None) -> None:
        self.client = client
        self.user_agent = user_agent or client.settings.user_agent
        self._rules: dict[str, RobotFileParser] = {}

    def allowed(self, url: str) -> bool:
        return self._parser(url).can_fetch(self.user_agent, url)

    def _parser(self, url: str) -> RobotFileParser:
        parts = urlsplit(url)
        origin = urlunsplit((parts.scheme, parts.netloc.lower(), "", "", ""))
        parser = self._rules.get(origin)
        if parser is None:
            parser = self._read(f"{origin}/robots.txt")
            self._rules[origin] = parser
        return parser

    def _read(self, robots_url: str) -> RobotFileParser:
        parser = RobotFileParser(robots_url)
        try:
            resp = self.client.get(robots_url, headers={"Accept": "text/plain, */*;q=0.5"})
        except FatalHttpError as exc:
            if exc.status is not None and 400 <= exc.status < 500:
                parser.allow_all = True
            else:
                parser.disallow_all = True
            return parser
        except HttpError:
            parser.disallow_all = True
            return parser
        parser.parse(resp.body.decode("utf-8", "replace").splitlines())
        return parser

"""A requests transport that answers from a recorded snapshot instead of the network.

Mounted on the shared `HttpClient`'s session, it lets the offline sample (or any recorded
night, `sample.recorded`) run through exactly the fetch → archive → parse path of a live
run: only the transport differs. A URL the snapshot does not hold answers 404, as an unknown
board would.
"""

from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict


def snapshot_key(url: str, params: Mapping[str, Any] | None = None) -> str:
    """Canonical form of a request URL: lower-case host, query sorted."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    query += [(k, str(v)) for k, v in (params or {}).items()]
    return urlunsplit(
        (parts.scheme, parts.netloc.lower(), parts.path, urlencode(sorted(query)), "")
    )


class SnapshotAdapter(BaseAdapter):
    def __init__(self, responses: Mapping[str, Mapping[str, Any]]) -> None:
        super().__init__()
        self.responses = responses
        self.requested: list[str] = []

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        key = snapshot_key(request.url or "")
        self.requested.append(key)
        recorded = self.responses.get(key)
        resp = requests.Response()
        resp.request = request
        resp.url = request.url or ""
        if recorded is None:
            body = b'{"error": "not in snapshot"}'
            resp.status_code, resp.reason = 404, "Not Found"
            content_type = "application/json"
        else:
            body = recorded["body"].encode("utf-8")
            resp.status_code = int(recorded.get("status", 200))
            resp.reason = "OK" if resp.status_code < 400 else "Error"
            content_type = recorded.get("content_type", "application/json")
        resp.headers = CaseInsensitiveDict(
            {"Content-Type": content_type, "Content-Length": str(len(body))}
        )
        resp.raw = BytesIO(body)
        resp.encoding = "utf-8"
        return resp

    def close(self) -> None:
        """Nothing to release: the snapshot lives in memory."""

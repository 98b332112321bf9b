"""Lone UTF-16 surrogates: legal in a Python `str`, fatal to every UTF-8 encoder after it.

A JSON payload may escape half a surrogate pair (`"\\ud800"`); `json.loads` accepts it and
hands back a `str` that fails the content hash, the DuckDB insert and the report far from
where it arrived. Scrubbing at the decoding edge keeps that failure out of the pipeline.
"""

from __future__ import annotations

from typing import Any


def scrub_surrogates(value: Any) -> Any:
    """Replace lone surrogates in a decoded JSON value with U+FFFD (containers in place).

    Iterative, because the document may nest as deep as the decoder allowed.
    """
    if isinstance(value, str):
        return _scrub(value)
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key in list(item):
                clean_key = _scrub(key)
                if clean_key != key:
                    item[clean_key] = item.pop(key)
                    key = clean_key
                child = item[key]
                if isinstance(child, str):
                    item[key] = _scrub(child)
                elif isinstance(child, dict | list):
                    stack.append(child)
        elif isinstance(item, list):
            for i, child in enumerate(item):
                if isinstance(child, str):
                    item[i] = _scrub(child)
                elif isinstance(child, dict | list):
                    stack.append(child)
    return value


def _scrub(text: str) -> str:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text

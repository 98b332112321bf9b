from __future__ import annotations

from config import load_settings
from ingest.plan import configured_source
from pipeline.models import Board
from pipeline.sources import REGISTRY

NINE = {
    "ashby",
    "greenhouse",
    "hn",
    "jsonld",
    "lever",
    "remoteok",
    "remotive",
    "smartrecruiters",
    "workable",
}


def test_every_adapter_is_registered_with_its_load_rule() -> None:
    assert set(REGISTRY) == NINE
    for cls in REGISTRY.values():
        assert cls.default_min_interval > 0
    assert not REGISTRY["remoteok"].closes_missing
    assert not REGISTRY["hn"].closes_missing
    assert REGISTRY["workable"].default_min_interval >= 5
    assert REGISTRY["remotive"].default_min_interval >= 60


def test_bundled_config_names_live_boards_and_their_hosts() -> None:
    settings = load_settings(mode="live")
    assert set(settings.sources) == NINE
    for name, cfg in settings.sources.items():
        source = configured_source(cfg)
        for b in cfg.boards:
            assert source.hosts(Board(name, b.token, b.company, b.options)), (name, b.token)


def test_boards_on_other_hosts_name_them() -> None:
    eu = Board("lever", "acme", "Acme", {"base_url": "https://api.eu.lever.co/v0/postings"})
    assert REGISTRY["lever"]().hosts(eu) == ["api.eu.lever.co", "api.lever.co"]
    site = Board("jsonld", "acme", "Acme", {"sitemap": "https://careers.acme.example/s.xml"})
    assert REGISTRY["jsonld"]().hosts(site) == ["careers.acme.example"]

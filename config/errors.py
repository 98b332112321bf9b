"""The one exception the settings raise, apart so `config.schema` can raise it too."""

from __future__ import annotations


class ConfigError(ValueError):
    """The config file or environment asks for something that cannot work."""

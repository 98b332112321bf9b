"""`python -m jobtrends`: the same command line as the installed `jobtrends` script."""

from jobtrends.cli import _entry

_entry()

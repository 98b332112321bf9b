"""A socket server on a daemon thread for the length of a `with` block: the loopback servers
of the simulations here and of the test suite's fault server share how they start and stop."""

from __future__ import annotations

import socketserver
import threading
from typing import Self


class BackgroundServer:
    """Call `_serve(httpd)` in `__init__`; `with` starts the thread and shuts the server."""

    httpd: socketserver.BaseServer

    def _serve(self, httpd: socketserver.BaseServer) -> None:
        self.httpd = httpd
        self._thread = threading.Thread(target=httpd.serve_forever, daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

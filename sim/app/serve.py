"""Serve the dashboard in this process, as `solara run` does (solara/__main__.py: uvicorn on solara's starlette
app, the page named by SOLARA_APP), without what that command adds for developers: a version check against PyPI,
the browser it opens, auto-restart.

Solara reads its settings from the environment when it is imported, so they are set first. With them, nothing
the page needs comes from the internet: solara-assets put every script, style sheet and font solara asks a CDN
for into this environment (share/solara/cdn), and the proxy serves them from there under /_solara/cdn/.
"""

from __future__ import annotations

import os
import socket
import warnings
from collections.abc import Callable
from pathlib import Path

OFFLINE = {
    "SOLARA_APP": "sim.app.dashboard",
    "SOLARA_ASSETS_PROXY": "true",  # assets through this server, from solara-assets; solara turns it off in VS Code
    "SOLARA_MODE": "production",  # development mode adds an iframe from solara.dev that checks the install
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false",  # the server would post usage to api.mixpanel.com
    "SOLARA_THEME_SHOW_BANNER": "false",
}


class PortError(Exception):
    """The address cannot be had: said before anything loads."""


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, taken before the slow imports, so a port in use is said at once; port 0 picks one."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as err:
        sock.close()
        raise PortError(f"cannot listen on {host}:{port}: {err.strerror or err}; choose another --port or --host") \
            from None
    sock.listen(128)
    return sock


def serve(scenario: Path, host: str, port: int, ready: Callable[[str], None] = print) -> None:
    """Run the server until interrupted; `ready` gets the address once the socket is bound."""
    sock = bind(host, port)
    os.environ.update(OFFLINE)
    os.environ["GEOSIM_DASHBOARD_SCENARIO"] = str(scenario.resolve())
    import uvicorn

    # said on every page load from 127.0.0.1 (not "localhost"): a cookie fallback that changes nothing here
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")
    shown = f"[{host}]" if ":" in host else host
    ready(f"http://{shown}:{sock.getsockname()[1]}")
    config = uvicorn.Config("solara.server.starlette:app", log_level="warning", timeout_graceful_shutdown=2)
    uvicorn.Server(config).run(sockets=[sock])

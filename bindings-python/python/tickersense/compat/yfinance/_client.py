"""The tickersense client the compat module reads prices through.

One client for the process, made on first use (not at import, so importing
the module never opens a store or reads the environment), or the one given to
``use_client``.
"""

from __future__ import annotations

import os
import threading
from typing import Optional

import tickersense

_lock = threading.Lock()
_client: Optional[tickersense.Client] = None


def use_client(client: Optional[tickersense.Client]) -> None:
    """Read prices through ``client`` from now on; ``None`` goes back to the default one."""
    global _client
    with _lock:
        _client = client


def client() -> tickersense.Client:
    """The client in use, made from the ``TICKERSENSE_*`` environment on first use.

    Unlike ``tickersense.Client()``, whose defaults are offline sample data
    and a SQLite file, a yfinance replacement must read Yahoo and leave no
    file behind: market data defaults to ``yahoo://`` and the store to
    ``memory://`` unless ``TICKERSENSE_MARKET_DATA`` / ``TICKERSENSE_STORE``
    say otherwise. The cache comes from ``TICKERSENSE_CACHE`` (or the
    library's default).
    """
    global _client
    with _lock:
        if _client is None:
            _client = tickersense.Client(
                store=os.environ.get("TICKERSENSE_STORE") or "memory://",
                market_data=os.environ.get("TICKERSENSE_MARKET_DATA") or "yahoo://",
            )
        return _client

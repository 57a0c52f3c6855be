"""The real yfinance, talking to a local Yahoo stand-in instead of Yahoo.

``real_yfinance_against(base_url)`` yields the imported ``yfinance`` module
with every request it makes sent to ``base_url`` (a replay server that speaks
Yahoo's protocol), so a test can put the real library's DataFrames next to
``tickersense.compat.yfinance``'s for the same recorded response. Everything
patched is put back on exit.

Why each patch is needed (yfinance 1.x):

* **A session that rewrites Yahoo URLs.** yfinance builds URLs from constants
  (``_BASE_URL_``, ``_QUERY1_URL_``, ``_ROOT_URL_``) that other modules copy
  at import (``from yfinance.const import _BASE_URL_``, ``_QUOTE_SUMMARY_URL_
  = f"{_BASE_URL_}/..."``), and from literals (``https://fc.yahoo.com`` for
  the cookie, ``https://query1.finance.yahoo.com/v1/test/getcrumb`` for the
  crumb, ``guce.yahoo.com`` for the consent fallback). Patching constants
  would miss the copies and the literals; every request, however, goes
  through ``session.request(method, url, ...)``, so the session is where a
  ``*.yahoo.com`` URL becomes ``base_url`` + the same path and query
  (``fc.yahoo.com`` -> ``GET /``, which sets the cookie; ``getcrumb`` ->
  ``/v1/test/getcrumb``). The session is a subclass of the backend yfinance
  itself uses (curl_cffi, or requests when curl_cffi is disabled), so
  ``is_supported_session`` accepts it and the cookie/crumb code runs
  unchanged; ``trust_env`` is off so proxy variables cannot route loopback
  traffic elsewhere.
* **The ``YfData`` singleton.** One ``YfData`` per process holds the session,
  cookie and crumb; ``Ticker(t)`` reuses it. Its session is swapped for the
  rewriting one, its cookie, crumb and cookie strategy reset (a crumb from an
  earlier server or from Yahoo must not leak in), and all of it restored on
  exit (or the singleton forgotten, if it did not exist before).
* **``new_session`` in every yfinance module.** ``yf.download()`` calls
  ``YfData(session=new_session())``, which would replace the singleton's
  session with a fresh one pointed at Yahoo; ``Ticker``/``PriceHistory`` also
  create sessions. Each module's ``new_session`` name is pointed at a factory
  of rewriting sessions.
* **``YfData.cache_get``'s ``lru_cache``.** Requests for past date ranges (and
  the time-zone probe) are memoised per URL, process-wide: a response from an
  earlier server, or an earlier context, would be served again. It is cleared
  on entry and exit.
* **The persistent caches.** yfinance keeps a time-zone cache, a cookie cache
  and an ISIN cache in SQLite files under the user's cache directory; a
  ticker's zone cached from a real run (or an earlier fixture) would skip the
  zone request and could disagree with the fixture. They are swapped for
  yfinance's own no-op ``Dummy`` caches.
* **``base._tz_info_fetch_ctr``.** When the zone probe (a ``range=1d`` chart
  request) fails, as it does for an unknown symbol, the first two such
  failures in a process fall back to ``Ticker.info``, which asks
  ``quoteSummary``, ``v7/finance/quote`` and ``fundamentals-timeseries`` for
  an ``exchangeTimezoneName`` that a symbol without a chart never has. The
  counter is pinned at that limit, so the result no longer depends on what ran
  earlier in the process and the replay server need not serve those three
  endpoints; the DataFrame is the same either way (empty).
* **``YfConfig.network.proxy``** is cleared, since yfinance copies it onto the
  session before each request.
* **The loopback guard.** Every ``request`` of the curl_cffi and requests
  ``Session`` classes (any session, including one a caller passes in, and a
  redirect's final URL) is checked while the context is open: a host outside
  127.0.0.0/8, ``localhost`` or ``::1`` raises ``NetworkEscapeError`` at once
  and is also recorded, because yfinance swallows most exceptions into a log
  line and an empty DataFrame; on exit the context raises ``AssertionError``
  listing every escaped URL, so a test cannot pass after trying the internet.
"""

from __future__ import annotations

import contextlib
import ipaddress
import sys
import threading
from typing import Iterator
from urllib.parse import urlsplit, urlunsplit

__all__ = ["NetworkEscapeError", "real_yfinance_against"]


class NetworkEscapeError(RuntimeError):
    """yfinance tried to reach a host that is not on this machine."""


def _is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _is_yahoo(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return host == "yahoo.com" or host.endswith(".yahoo.com")


def _rewrite(url: str, base: str) -> str:
    """``https://query2.finance.yahoo.com/v8/x?a=1`` -> ``{base}/v8/x?a=1``."""
    if not _is_yahoo(url):
        return url
    parts = urlsplit(url)
    b = urlsplit(base)
    path = b.path.rstrip("/") + (parts.path or "/")
    return urlunsplit((b.scheme, b.netloc, path, parts.query, ""))


_guard_lock = threading.Lock()


@contextlib.contextmanager
def real_yfinance_against(base_url: str) -> Iterator[object]:
    """Yield the real ``yfinance`` module, redirected to ``base_url``.

    ``base_url`` is ``http://127.0.0.1:PORT`` (a loopback address: anything
    else is refused). Not re-entrant, and not for use from two threads at
    once: the patches are process-wide while the context is open.
    """
    if not _is_loopback(base_url):
        raise ValueError(f"base_url must be a loopback URL, not {base_url!r}")
    base_url = base_url.rstrip("/")
    if not _guard_lock.acquire(blocking=False):
        raise RuntimeError("real_yfinance_against is already active")
    try:
        import yfinance
        from yfinance import _http, base, cache
        from yfinance.config import YfConfig
        from yfinance.data import SingletonMeta, YfData

        escaped: list[str] = []
        restore: list = []  # (object, attribute, old value or _MISSING), in patch order

        def check(url: str) -> None:
            if not _is_loopback(url):
                escaped.append(url)
                raise NetworkEscapeError(f"yfinance tried to reach {url!r}; only the local replay server may be used")

        def patch(obj, attr, value):
            old = obj.__dict__.get(attr, _MISSING) if isinstance(obj, type) else getattr(obj, attr, _MISSING)
            restore.append((obj, attr, old))
            setattr(obj, attr, value)

        def guard(cls):
            original = cls.request

            def request(self, method, url, *args, **kwargs):
                check(str(url))
                response = original(self, method, url, *args, **kwargs)
                final = getattr(response, "url", None)  # where redirects ended
                if final:
                    check(str(final))
                return response

            patch(cls, "request", request)

        class ReplaySession(_http.requests.Session):
            """yfinance's backend Session, with Yahoo's hosts mapped to ``base_url``."""

            def request(self, method, url, *args, **kwargs):
                return super().request(method, _rewrite(str(url), base_url), *args, **kwargs)

        def new_session():
            session = ReplaySession()
            session.trust_env = False
            return session

        data, saved_state, saved_proxy = None, None, _MISSING
        existed = YfData in SingletonMeta._instances
        try:
            # The loopback guard, on every backend's Session class.
            for module_name in ("curl_cffi.requests", "requests"):
                try:
                    guard(__import__(module_name, fromlist=["Session"]).Session)
                except ImportError:
                    pass

            original_new_session = _http.new_session
            for name, module in list(sys.modules.items()):
                if name == "yfinance" or name.startswith("yfinance."):
                    if getattr(module, "new_session", None) is original_new_session:
                        patch(module, "new_session", new_session)

            # The singleton's session, cookie and crumb.
            data = SingletonMeta._instances[YfData] if existed else YfData(session=new_session())
            saved_state = {
                k: getattr(data, k) for k in ("_session", "_crumb", "_cookie", "_cookie_strategy", "_logged_in")
            }
            data._session = new_session()
            data._crumb = None
            data._cookie = None
            data._cookie_strategy = "basic"
            data._logged_in = False
            YfData.cache_get.cache_clear()

            # Persistent caches -> yfinance's own no-op caches.
            patch(cache._TzCacheManager, "_tz_cache", cache._TzCacheDummy())
            patch(cache._CookieCacheManager, "_Cookie_cache", cache._CookieCacheDummy())
            patch(cache._ISINCacheManager, "_isin_cache", cache._ISINCacheDummy())

            patch(base, "_tz_info_fetch_ctr", 2)
            saved_proxy = YfConfig.network.proxy
            YfConfig.network.proxy = None

            yield yfinance
        finally:
            if saved_proxy is not _MISSING:
                YfConfig.network.proxy = saved_proxy
            YfData.cache_get.cache_clear()
            if existed and saved_state is not None:
                for k, v in saved_state.items():
                    setattr(data, k, v)
            elif not existed:
                SingletonMeta._instances.pop(YfData, None)
            for obj, attr, old in reversed(restore):
                if old is _MISSING:
                    delattr(obj, attr)
                else:
                    setattr(obj, attr, old)
            if escaped:
                raise AssertionError("yfinance tried to leave this machine: " + ", ".join(escaped))
    finally:
        _guard_lock.release()


_MISSING = object()

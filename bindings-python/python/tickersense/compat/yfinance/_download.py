"""``download()``: several symbols' histories side by side, as yfinance lays them out."""

from __future__ import annotations

import logging
import os
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Optional

import pandas as pd

from ._frame import Options, empty_df
from ._request import PERIOD_DEFAULT, is_intraday
from ._ticker import Ticker, refuse_unsupported

logger = logging.getLogger("yfinance")


class _ProgressBar:
    """yfinance's text progress bar on stderr: ``[****  50%    ]  2 of 4 completed``.

    Its quirks are kept because scripts and notebooks show them: the first
    completion of several draws an empty 0% bar, and the finished bar is drawn
    twice before the newline.
    """

    WIDTH = 50

    def __init__(self, total: int):
        self.total = total
        self.done = 0

    def _bar(self, done: int) -> str:
        percent = round(done / self.total * 100)
        stars = round((self.WIDTH - 2) * percent / 100)
        cells = list("[" + "*" * stars + " " * (self.WIDTH - 2 - stars) + "]")
        text = f"{percent}%"
        at = self.WIDTH // 2 + 1 - len(text)
        cells[at : at + len(text)] = text
        return "".join(cells)

    def _write(self, text: str) -> None:
        sys.stderr.write(text)
        sys.stderr.flush()

    def step(self) -> None:
        self.done += 1
        if self.done == 1:
            if self.total > 1:
                self._write("\r" + self._bar(0))
        else:
            self._write(f"\r{self._bar(self.done)}  {self.done} of {self.total} completed")

    def finish(self) -> None:
        self._write(f"\r{self._bar(self.total)}  {self.total} of {self.total} completed\n")


def _symbols(tickers) -> list:
    """yfinance's ticker list: split on commas/space, upper case, duplicates gone (set order)."""
    if not isinstance(tickers, (list, set, tuple)):
        tickers = str(tickers).replace(",", " ").split()
    return list(set([t.upper() for t in tickers]))


def _one(symbol: str, period, interval, start, end, options: Options):
    """``(frame, error message or None)`` for one symbol, as download collects them."""
    try:
        outcome = Ticker(symbol)._history(period, interval, start, end, options)
    except Exception as e:  # noqa: BLE001  (yfinance reports any failure per symbol)
        return empty_df(), repr(e)
    if outcome.error is not None:
        return outcome.frame, str(outcome.error).split(": ", 1)[-1]
    return outcome.frame, None


def download(
    tickers,
    start=None,
    end=None,
    actions: bool = False,
    threads=True,
    ignore_tz: Optional[bool] = None,
    group_by: str = "column",
    auto_adjust: bool = True,
    back_adjust: bool = False,
    repair: bool = False,
    keepna: bool = False,
    progress: bool = True,
    period=PERIOD_DEFAULT,
    interval: str = "1d",
    prepost: bool = False,
    rounding: bool = False,
    timeout=10,
    session=None,
    multi_level_index: bool = True,
) -> Optional[pd.DataFrame]:
    """The histories of ``tickers`` in one DataFrame, as ``yfinance.download`` returns it.

    Same arguments and defaults as yfinance 1.7.0: columns ``(Price, Ticker)``
    sorted (``group_by="ticker"``: ``(Ticker, Price)``), a MultiIndex even for
    one symbol unless ``multi_level_index=False``, rows the union of all
    symbols' rows, daily indexes made tz-naive (``ignore_tz``). A symbol that
    fails adds yfinance's empty columns and a line to the "Failed download"
    report logged at the end; the progress bar goes to stderr. ``threads``
    fetches symbols concurrently (an int sets how many at once).
    ``session`` and ``timeout`` are ignored; ``prepost``, ``repair`` and
    ``rounding`` raise NotImplementedError.
    """
    refuse_unsupported(prepost, repair, rounding)
    if ignore_tz is None:
        ignore_tz = not is_intraday(str(interval).lower())
    symbols = _symbols(tickers)
    options = Options(actions=actions, auto_adjust=auto_adjust, back_adjust=back_adjust, keepna=keepna)
    bar = _ProgressBar(len(symbols)) if progress and symbols else None
    frames: dict = {}
    errors: dict = {}

    def collect(symbol: str, result) -> None:
        frames[symbol], message = result
        if message is not None:
            errors[symbol] = message
        if bar:
            bar.step()

    if threads and len(symbols) > 1:
        workers = threads if not isinstance(threads, bool) else min(len(symbols), (os.cpu_count() or 1) * 2)
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = {pool.submit(_one, s, period, interval, start, end, options): s for s in symbols}
            for future in as_completed(futures):
                collect(futures[future], future.result())
    else:
        for s in symbols:
            collect(s, _one(s, period, interval, start, end, options))
    if bar:
        bar.finish()
    _report(errors)
    return _layout(frames, ignore_tz, group_by, multi_level_index)


def _report(errors: dict) -> None:
    """yfinance's closing report: one line per distinct error, naming its symbols."""
    if not errors:
        return
    n = len(errors)
    logger.error("\n%d Failed download%s:", n, "s" if n > 1 else "")
    by_message: dict = {}
    for symbol, message in errors.items():
        by_message.setdefault(message, []).append(symbol)
    for message, symbols in by_message.items():
        logger.error("%s: %s", symbols, message)


def _layout(frames: dict, ignore_tz: bool, group_by: str, multi_level_index: bool) -> pd.DataFrame:
    """The frames side by side on the union of their rows, columns as yfinance orders them."""
    dated = [f for f in frames.values() if isinstance(f.index, pd.DatetimeIndex)]
    if ignore_tz:
        for f in dated:
            f.index = f.index.tz_localize(None)
    elif dated:
        # The most common zone; of equally common ones, the first by name.
        counts = Counter(str(f.index.tz) for f in dated)
        top = max(counts.values())
        zone = min(z for z, n in counts.items() if n == top)
        for f in dated:
            f.index = f.index.tz_convert(zone)
    index = None
    for f in dated:
        index = f.index if index is None else index.union(f.index)
    if index is None:
        # Every symbol failed: yfinance still returns a (row-less) time index,
        # the one pandas makes of the failed frames' empty index.
        index = pd.DatetimeIndex(pd.Index([], dtype=object))
    frames = {s: f.reindex(index) for s, f in frames.items()}
    data = pd.concat(frames.values(), axis=1, sort=True, keys=frames.keys(), names=["Ticker", "Price"])
    if group_by == "column":
        data.columns = data.columns.swaplevel(0, 1)
        data = data.sort_index(level=0, axis=1)
    if not multi_level_index and len(frames) == 1:
        data.columns = data.columns.droplevel("Ticker").rename(None)
    return data

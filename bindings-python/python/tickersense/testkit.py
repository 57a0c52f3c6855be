"""Conformance suites for backends of your own: the checks the built-in
backends pass, run on yours.

>>> from tickersense import testkit
>>> report = testkit.check_market_data(MySource(), known="AAPL", unknown="ZZZZ9", query="apple")
>>> report.passed, report.failures          # (True, []) or the checks that failed and why
>>> report.assert_passed()                  # in a test: AssertionError listing the failures

Each suite calls the object's methods as a client would (plain or
``async def``) and checks one clause of the contract per check: values of
the right shape, unknown symbols as ``NotFoundError``, limits kept, posts
newest first and within ``since``, scores from -1 to 1 and deterministic.
"""

from tickersense._native import Report, check_analyzer, check_market_data, check_mention_source

__all__ = ["Report", "check_analyzer", "check_market_data", "check_mention_source"]

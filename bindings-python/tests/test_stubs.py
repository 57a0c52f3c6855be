"""The .pyi stubs and the runtime module name the same things."""

import ast
import inspect
import pathlib

import tickersense._native as native

STUB = pathlib.Path(tickersense_path := native.__file__).parent / "_native.pyi"


def stub_tree():
    return ast.parse(STUB.read_text())


def test_stub_classes_and_members_match_runtime():
    tree = stub_tree()
    stub_classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    runtime_classes = {name for name, obj in vars(native).items() if inspect.isclass(obj)}
    assert set(stub_classes) == runtime_classes
    for name, node in stub_classes.items():
        cls = getattr(native, name)
        if issubclass(cls, BaseException):
            continue
        stub_members = {
            item.name
            for item in node.body
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name != "__init__"
        }
        runtime_members = {m for m in vars(cls) if not m.startswith("_") or m in stub_members}
        runtime_members -= {"__new__", "__doc__", "__module__", "__dict__", "__weakref__"}
        public_runtime = {m for m in runtime_members if not m.startswith("_")}
        public_stub = {m for m in stub_members if not m.startswith("_")}
        assert public_stub == public_runtime, f"{name}: stub {public_stub ^ public_runtime}"
        for dunder in stub_members - public_stub:
            assert hasattr(cls, dunder), f"{name}.{dunder} is in the stub but not at runtime"


def test_stub_signatures_match_runtime_text_signatures():
    """Names and defaults of the client methods (mypy.stubtest, run by
    `make test-python`, checks every signature; this keeps the gist in pytest)."""
    tree = stub_tree()
    for node in tree.body:
        if not isinstance(node, ast.ClassDef) or node.name not in ("Client", "AsyncClient"):
            continue
        cls = getattr(native, node.name)
        for item in node.body:
            if not isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) or item.name.startswith("__"):
                continue
            stub_params = [a.arg for a in item.args.args]
            runtime = inspect.signature(getattr(cls, item.name)).parameters
            assert stub_params == list(runtime), f"{node.name}.{item.name}"
            stub_defaults = [ast.literal_eval(d) for d in item.args.defaults]
            runtime_defaults = [p.default for p in runtime.values() if p.default is not inspect.Parameter.empty]
            assert stub_defaults == runtime_defaults, f"{node.name}.{item.name} defaults"


TYPICAL_PROGRAM = '''
import asyncio
from datetime import date, datetime, timezone

import tickersense
from tickersense import testkit


def blocking() -> float:
    with tickersense.Client(store="memory://") as c:
        h = c.history("AAPL", start=date(2024, 1, 1), end="2024-02-01")
        part: tickersense.History = h[1:3]
        bar: tickersense.Bar = h[0]
        c.history_many({"AAPL", "MSFT"}.union(["KO"]))
        return c.quote("AAPL").price + bar.close + len(part)


async def main() -> float:
    async with tickersense.AsyncClient(store="memory://") as ac:
        async def progress(p: tickersense.BackfillProgress) -> None:
            await asyncio.sleep(0)

        await ac.backfill(["AAPL"], start=datetime.now(timezone.utc), on_progress=progress)
        return (await ac.quote("AAPL")).price


class Source:
    """A data source of the user's own, typed as they would type it."""

    def quote(self, symbol: str) -> dict[str, float]:
        return {"price": 1.0}

    async def history(self, symbol: str, start: datetime | None, end: datetime, interval: str) -> list[dict[str, object]]:
        return []

    def search(self, query: str, limit: int) -> list[dict[str, str]]:
        return []


def custom() -> float:
    c = tickersense.Client(store="memory://", market_data=Source(), social=["sample://"], analyzer=lambda text: 0.0)
    testkit.check_market_data(Source(), known="AAPL", unknown="ZZZZ9", query="a").assert_passed()
    return c.quote("AAPL").price + c.stored_history("AAPL").bars[0].close


try:
    asyncio.run(main())
except TimeoutError:
    pass
except tickersense.TickersenseError as e:
    print(e.kind, e.retry_after)
'''


def test_the_stub_types_a_typical_program(tmp_path):
    """What users' type checkers see: context managers that let exceptions
    through, slices, any iterable of symbols, times of several kinds, async
    progress callables."""
    import subprocess
    import sys

    import pytest

    pytest.importorskip("mypy")
    program = tmp_path / "typical.py"
    program.write_text(TYPICAL_PROGRAM)
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(program)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr

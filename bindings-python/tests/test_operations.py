"""Client and AsyncClient offer the same operations, with the same
signatures and defaults, and the stub says so too."""

import ast
import asyncio
import inspect
import pathlib

import tickersense
import tickersense._native as native

STUB = pathlib.Path(native.__file__).parent / "_native.pyi"

# Each class's own protocol methods, which differ by nature.
OWN = {
    "Client": {"__enter__", "__exit__"},
    "AsyncClient": {"__aenter__", "__aexit__"},
}


def operations(cls):
    return {name for name in vars(cls) if not name.startswith("_")}


def test_both_clients_have_the_same_operations():
    blocking = operations(tickersense.Client)
    coroutines = operations(tickersense.AsyncClient)
    assert blocking == coroutines
    # The operations the issue names, so an empty pair of classes cannot pass.
    assert {"quote", "history", "history_many", "search", "sentiment", "stored_history", "backfill", "health", "close"} <= blocking


def test_each_pair_of_operations_has_one_signature():
    for name in operations(tickersense.Client):
        blocking = inspect.signature(getattr(tickersense.Client, name))
        coroutine = inspect.signature(getattr(tickersense.AsyncClient, name))
        assert blocking == coroutine, name
        assert getattr(tickersense.Client, name).__doc__ == getattr(tickersense.AsyncClient, name).__doc__, name
    assert inspect.signature(tickersense.Client) == inspect.signature(tickersense.AsyncClient)


def test_defaults_are_the_documented_ones():
    """The defaults core defines, as the signatures show them."""
    sig = inspect.signature(tickersense.Client.history)
    assert (sig.parameters["period"].default, sig.parameters["interval"].default) == ("1mo", "1d")
    assert inspect.signature(tickersense.Client.search).parameters["limit"].default == 10
    history = inspect.signature(tickersense.Client.sentiment_history).parameters
    assert (history["days"].default, history["platform"].default) == (30, None)
    mentions = inspect.signature(tickersense.Client.mentions).parameters
    assert (mentions["days"].default, mentions["limit"].default) == (7, 100)
    agreement = inspect.signature(tickersense.Client.sentiment_agreement).parameters
    assert (agreement["symbol"].default, agreement["days"].default) == (None, 30)
    backfill = inspect.signature(tickersense.Client.backfill).parameters
    assert (backfill["period"].default, backfill["concurrency"].default) == ("1y", 4)
    assert inspect.signature(tickersense.Client.history_many).parameters["concurrency"].default == 8


def test_the_defaults_shown_are_the_defaults_used(client):
    """A call left to its defaults gives what the shown defaults give."""
    assert client.search("a") == client.search("a", limit=10)
    assert len(client.search("a")) == 10
    assert client.history("AAPL").bars == client.history("AAPL", period="1mo", interval="1d").bars


def test_async_operations_are_coroutines_named_after_the_call():
    async def main():
        ac = tickersense.AsyncClient(store="memory://")
        for name in ("quote", "sentiment"):
            coroutine = getattr(ac, name)("AAPL")
            assert inspect.iscoroutine(coroutine) or inspect.isawaitable(coroutine)
            assert coroutine.__qualname__ == f"AsyncClient.{name}"
            await coroutine
        await ac.close()

    asyncio.run(main())


def stub_classes():
    tree = ast.parse(STUB.read_text())
    return {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}


def shape(args):
    every = args.posonlyargs + args.args + args.kwonlyargs
    return (
        [a.arg for a in args.posonlyargs],
        [a.arg for a in args.args],
        [a.arg for a in args.kwonlyargs],
        [ast.dump(d) for d in args.defaults],
        [ast.dump(d) if d else None for d in args.kw_defaults],
        [ast.dump(a.annotation) if a.annotation else None for a in every if a.arg != "on_progress"],
    )


def test_the_stub_declares_the_same_pairs():
    classes = stub_classes()
    methods = {
        name: {item.name: item for item in classes[name].body if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))}
        for name in ("Client", "AsyncClient")
    }
    public = {name: {m for m in found if not m.startswith("_")} for name, found in methods.items()}
    assert public["Client"] == public["AsyncClient"] == operations(tickersense.Client)
    for name in public["Client"]:
        blocking, coroutine = methods["Client"][name], methods["AsyncClient"][name]
        assert isinstance(blocking, ast.FunctionDef), f"Client.{name} must be a plain def in the stub"
        assert isinstance(coroutine, ast.AsyncFunctionDef), f"AsyncClient.{name} must be async def in the stub"
        # Same parameters, defaults and annotations; but a progress callable
        # may be an `async def` only where it can be awaited.
        assert shape(blocking.args) == shape(coroutine.args), name
    for name, own in OWN.items():
        assert own <= set(methods[name]), name

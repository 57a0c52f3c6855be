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

import importlib
import inspect
from pathlib import Path

import pytest

import panotti
from panotti import hookspecs

MODULES = ["panotti", "panotti.events", "panotti.plugins"]


@pytest.mark.parametrize("name", MODULES)
def test_all_is_sorted_and_complete(name: str) -> None:
    module = importlib.import_module(name)
    exported = module.__all__
    assert exported == sorted(exported, key=lambda item: (not item.isupper(), item))
    public = {
        attribute
        for attribute, value in vars(module).items()
        if not attribute.startswith("_")
        and not inspect.ismodule(value)
        and attribute not in {"annotations", "Any", "Protocol"}
    }
    assert public <= set(exported) | {"TYPE_CHECKING"}


@pytest.mark.parametrize("name", MODULES)
def test_every_export_is_documented(name: str) -> None:
    module = importlib.import_module(name)
    for attribute in module.__all__:
        value = getattr(module, attribute)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert inspect.getdoc(value), f"{name}.{attribute} has no docstring"


def test_every_hook_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    hooks = [
        name for name, value in vars(hookspecs).items() if name.startswith("panotti_") and callable(value)
    ]
    assert hooks
    for hook in hooks:
        assert hook in readme, f"{hook} is not documented in README.md"
        assert getattr(hookspecs, hook).__doc__


def test_version_is_exposed() -> None:
    assert panotti.__version__ and panotti.HOST_API_VERSION == "1.0"

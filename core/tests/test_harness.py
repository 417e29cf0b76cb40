import pytest

from panotti import PluginBase, PluginError, hookimpl


class BrokenHooks(PluginBase):
    @staticmethod
    @hookimpl
    def panotti_event_types(unexpected_argument):  # type: ignore[no-untyped-def]
        return []


async def test_the_kit_checks_hook_implementations_like_the_manager(panotti_harness) -> None:
    with pytest.raises(
        PluginError, match=r"(?s)plugin broken: invalid hook implementation.*unexpected_argument"
    ):
        await panotti_harness.load(BrokenHooks, name="broken")

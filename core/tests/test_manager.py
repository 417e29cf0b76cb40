import textwrap
from pathlib import Path

import pytest

from conftest import PLUGIN_CODE, Site
from panotti.plugins import PluginState


async def test_broken_plugins_get_clear_states_and_the_rest_run(site: Site) -> None:
    site.add("good")
    site.add("needs_good", requires=["good>=0.1"])
    site.add("import_error", code="raise ImportError('no module named numpy_of_the_future')")
    site.add("needs_broken", requires=["import_error"])
    site.add("bad_yaml", config="config: [unclosed\n")
    site.add("bad_setting", config="config:\n  threshold: lots\n")
    site.add("missing_dep", requires=["not_installed"])
    site.add("old_dep", requires=["good>=5"])
    site.add("cycle_a", requires=["cycle_b"])
    site.add("cycle_b", requires=["cycle_a"])
    site.add("off", config="enabled: false\n")
    site.add("future_api", host_api=">=2")
    site.add("init_raises", start="raise RuntimeError('no GPU')")
    site.add("init_hangs", start="await asyncio.sleep(3600)")
    site.add("stop_raises", stop="raise RuntimeError('cannot flush')")
    manager = site.manager(init_timeout=0.2)

    await manager.bus.start()
    await manager.start()
    states = site.states(manager)
    await manager.stop()
    await manager.bus.stop()

    assert states == {
        "good": "active",
        "needs_good": "active",
        "import_error": "import-failed",
        "needs_broken": f"blocked-by-{site.name('import_error')}",
        "bad_yaml": "config-invalid",
        "bad_setting": "config-invalid",
        "missing_dep": "missing-dependency",
        "old_dep": "missing-dependency",
        "cycle_a": "dependency-cycle",
        "cycle_b": "dependency-cycle",
        "off": "disabled",
        "future_api": "incompatible",
        "init_raises": "init-failed",
        "init_hangs": "init-failed",
        "stop_raises": "active",
    }
    records = manager.records
    assert "numpy_of_the_future" in records[site.name("import_error")].reason
    assert "line 2, column 1" in records[site.name("bad_yaml")].reason
    assert "config.threshold" in records[site.name("bad_setting")].reason
    assert str(site.paths.plugin_file(site.name("bad_setting"))) in records[site.name("bad_setting")].reason
    cycle = records[site.name("cycle_a")].reason
    assert f"{site.name('cycle_a')} -> {site.name('cycle_b')} -> {site.name('cycle_a')}" in cycle
    assert "did not finish" in records[site.name("init_hangs")].reason
    assert "no GPU" in records[site.name("init_raises")].reason
    assert "5" in records[site.name("old_dep")].reason


async def test_order_follows_dependencies_and_shutdown_is_reverse(site: Site) -> None:
    site.add("c_last", requires=["b_middle"])
    site.add("b_middle", requires=["a_first"])
    site.add("a_first", stop="raise RuntimeError('stop failed')")
    site.add("z_after_nothing", after=["not_installed_is_fine"])
    site.add("d_after_c", after=["c_last"])
    manager = site.manager()
    await manager.bus.start()
    await manager.start()
    await manager.stop()
    await manager.bus.stop()

    starts = [line.split()[1] for line in site.lifecycle() if line.startswith("start")]
    stops = [line.split()[1] for line in site.lifecycle() if line.startswith("stop")]
    assert starts == ["a_first", "b_middle", "c_last", "d_after_c", "z_after_nothing"]
    assert stops == list(reversed(starts))


async def test_dependents_of_a_plugin_that_fails_to_initialize_are_blocked(site: Site) -> None:
    site.add("base", start="raise RuntimeError('boom')")
    site.add("child", requires=["base"])
    manager = site.manager()
    await manager.bus.start()
    await manager.start()
    await manager.bus.stop()
    assert site.states(manager) == {"base": "init-failed", "child": f"blocked-by-{site.name('base')}"}
    assert "starting" not in site.lifecycle()


def test_check_reads_metadata_without_importing_plugin_code(site: Site, tmp_path: Path) -> None:
    marker = tmp_path / "imported"
    site.add(
        "watched",
        code=f"open({str(marker)!r}, 'w').close()\n" + PLUGIN_CODE.format(start="pass", stop="pass"),
    )
    manager = site.manager()
    manager.check()
    assert manager.records[site.name("watched")].state is PluginState.READY
    assert not marker.exists()
    manager.load()
    assert marker.exists()


def test_missing_module_is_import_failed_before_import(site: Site) -> None:
    name = site.add("ghost")
    entry_points = next(site.root.glob(f"*{name}*.dist-info")) / "entry_points.txt"
    entry_points.write_text(f"[panotti.plugins]\n{name} = no_such_module_anywhere:Plugin\n")
    manager = site.manager()
    manager.check()
    assert manager.records[name].state is PluginState.IMPORT_FAILED
    assert "no_such_module_anywhere" in manager.records[name].reason


def test_a_distribution_found_twice_is_listed_once(
    site: Site, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    name = site.add("twice")
    monkeypatch.syspath_prepend(str(site.root))  # the same folder reached by a second sys.path entry
    second = tmp_path / "site-again"
    second.symlink_to(site.root)
    monkeypatch.syspath_prepend(str(second))
    manager = site.manager()
    records = [record for record in manager.check() if record.name == name]
    assert len(records) == 1 and records[0].state is PluginState.READY


def test_invalid_hook_implementation_names_the_plugin(site: Site) -> None:
    code = textwrap.dedent(
        """
        from panotti import PluginBase, hookimpl

        class Plugin(PluginBase):
            @staticmethod
            @hookimpl
            def panotti_event_types(unexpected_argument):
                return []
        """
    )
    name = site.add("bad_hook", code=code)
    manager = site.manager()
    manager.load()
    record = manager.records[name]
    assert record.state is PluginState.IMPORT_FAILED
    assert "invalid hook implementation" in record.reason and "unexpected_argument" in record.reason


def test_a_plugin_that_needs_configuring_stays_off_until_configured(site: Site) -> None:
    waiting = site.add("needs_key", enabled_by_default=False, config="<none>")
    configured = site.add("has_key", enabled_by_default=False, config="enabled: true\n")
    manager = site.manager()
    manager.check()
    assert manager.records[waiting].state is PluginState.DISABLED
    assert f"panotti plugins init {waiting}" in manager.records[waiting].reason
    assert manager.records[configured].state is PluginState.READY

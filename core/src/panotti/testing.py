"""The author test kit: pytest fixtures for testing Panotti plugins.

Installed with panotti (entry point ``pytest11``), so a plugin's tests can
use the fixtures without importing anything::

    async def test_reports_duration(panotti_harness, sample_recording):
        await panotti_harness.load("example", {"silence_threshold_dbfs": -50})
        ended = await panotti_harness.publish_recording(sample_recording.microphone)
        done = await panotti_harness.wait_for("example.completed")

Async fixtures need ``pytest-asyncio`` (``pip install 'panotti[testing]'``).
Core is imported inside the fixtures, so loading this plugin costs nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from ._harness import PluginHarness, SampleRecording
    from ._http import ScriptedServer

try:
    import pytest_asyncio

    _HAS_PYTEST_ASYNCIO = True
except ImportError:  # the fixtures below need it; say so only when one is used
    _HAS_PYTEST_ASYNCIO = False

__all__ = ["make_plugin_distribution", "panotti_harness", "sample_recording", "scripted_server"]


def make_plugin_distribution(site: Path, **options: Any) -> Path:
    """Write a real installed plugin distribution; see ``panotti._harness``."""
    from ._harness import make_plugin_distribution as make

    return make(site, **options)


@pytest.fixture
def scripted_server() -> Iterator[ScriptedServer]:
    """A real HTTP server on 127.0.0.1 answering scripted replies (for API clients); see ``_http``."""
    from ._http import ScriptedServer

    server = ScriptedServer().start()
    yield server
    server.stop()


@pytest.fixture
def sample_recording() -> SampleRecording:
    """The shipped two-track sample meeting (microphone, system, metadata)."""
    from ._harness import sample_recording as load

    return load()


if _HAS_PYTEST_ASYNCIO:

    @pytest_asyncio.fixture
    async def panotti_harness(tmp_path: Path) -> AsyncIterator[PluginHarness]:
        """A started :class:`~panotti._harness.PluginHarness` in ``tmp_path``; closed after the test."""
        from ._harness import PluginHarness

        async with PluginHarness(tmp_path) as harness:
            yield harness

else:

    @pytest.fixture
    def panotti_harness() -> None:
        """Needs pytest-asyncio: ``pip install 'panotti[testing]'``."""
        pytest.fail("the panotti_harness fixture needs pytest-asyncio: pip install 'panotti[testing]'")

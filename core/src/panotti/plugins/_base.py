"""What a plugin is: :class:`PluginBase` and the ``@handles`` decorator."""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
import multiprocessing
import tempfile
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Generic, ParamSpec, TypeVar

from ..events import Event, EventBus, EventPriority, ProgressUpdate, Subscription, current_event
from ..recording import validate_recording_id
from ._config import PluginSettings
from ._progress import ProgressFile

SettingsT = TypeVar("SettingsT", bound=PluginSettings)
P = ParamSpec("P")
R = TypeVar("R")
HandlerMethod = TypeVar("HandlerMethod", bound=Callable[..., Any])

_SUBSCRIPTION_ATTRIBUTE = "__panotti_handles__"


@dataclass(frozen=True, slots=True)
class HandlerSpec:
    """A subscription declared on a plugin method with :func:`handles`."""

    pattern: str | type[Event[Any]]
    timeout: float | None = None
    max_attempts: int | None = None

    @property
    def pattern_name(self) -> str:
        """The event name or glob this handler receives."""
        if isinstance(self.pattern, str):
            return self.pattern
        return self.pattern.event_name or self.pattern.__name__


def handles(
    pattern: str | type[Event[Any]], *, timeout: float | None = None, max_attempts: int | None = None
) -> Callable[[HandlerMethod], HandlerMethod]:
    """Declare a plugin method as the handler of an event name, glob or typed event.

    The plugin subscribes it when it initializes; ``panotti plugins info``
    lists it without running the plugin.
    """

    def mark(method: HandlerMethod) -> HandlerMethod:
        specs = [*getattr(method, _SUBSCRIPTION_ATTRIBUTE, ()), HandlerSpec(pattern, timeout, max_attempts)]
        setattr(method, _SUBSCRIPTION_ATTRIBUTE, tuple(specs))
        return method

    return mark


def declared_handlers(plugin_class: type) -> list[tuple[str, HandlerSpec]]:
    """The ``(method name, spec)`` pairs declared with :func:`handles` on a class."""
    found = []
    for name, member in inspect.getmembers(plugin_class, inspect.isfunction):
        for spec in getattr(member, _SUBSCRIPTION_ATTRIBUTE, ()):
            found.append((name, spec))
    return found


@dataclass(frozen=True, slots=True)
class PluginContext:
    """What the host gives a plugin when it creates it."""

    name: str
    version: str
    bus: EventBus
    data_dir: Path
    config_dir: Path


class PluginBase(Generic[SettingsT]):
    """Base class of every plugin.

    Subclass it, set ``Settings`` to your settings model, declare handlers
    with :func:`handles`, and put setup in :meth:`start` and teardown in
    :meth:`stop`. The host calls :meth:`initialize` and :meth:`shutdown`.
    """

    Settings: ClassVar[type[PluginSettings]] = PluginSettings

    def __init__(self, context: PluginContext, settings: SettingsT) -> None:
        self.name = context.name
        self.version = context.version
        self.settings: SettingsT = settings
        self.bus = context.bus
        self.data_dir = context.data_dir
        self.config_dir = context.config_dir
        self.logger = logging.LoggerAdapter(
            logging.getLogger(f"panotti.plugin.{self.name}"), {"plugin": self.name}
        )
        self._initialized = False
        self._subscriptions: list[Subscription] = []
        self._threads: ThreadPoolExecutor | None = None
        self._processes: ProcessPoolExecutor | None = None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name} {self.version} initialized={self._initialized}>"

    # -- lifecycle -------------------------------------------------------

    @property
    def initialized(self) -> bool:
        """Whether :meth:`initialize` has completed and :meth:`shutdown` has not run."""
        return self._initialized

    async def initialize(self) -> None:
        """Subscribe declared handlers and run :meth:`start`; calling it again does nothing."""
        if self._initialized:
            return
        for method_name, spec in declared_handlers(type(self)):
            self.subscribe(
                spec.pattern,
                getattr(self, method_name),
                timeout=spec.timeout,
                max_attempts=spec.max_attempts,
                handler_name=method_name,
            )
        try:
            await self.start()
        except BaseException:
            self._unsubscribe_all()
            raise
        self._initialized = True

    async def shutdown(self) -> None:
        """Unsubscribe, run :meth:`stop` and release executors; calling it again does nothing."""
        if not self._initialized:
            return
        self._initialized = False
        self._unsubscribe_all()
        try:
            await self.stop()
        finally:
            for executor in (self._threads, self._processes):
                if executor is not None:
                    await asyncio.to_thread(executor.shutdown, wait=True, cancel_futures=True)
            self._threads = self._processes = None

    async def start(self) -> None:
        """Override to set up resources; runs once, inside :meth:`initialize`."""

    async def stop(self) -> None:
        """Override to release resources; runs once, inside :meth:`shutdown`."""

    # -- events ----------------------------------------------------------

    def subscribe(
        self,
        pattern: str | type[Event[Any]],
        handler: Callable[[Any], Any],
        *,
        timeout: float | None = None,
        max_attempts: int | None = None,
        handler_name: str | None = None,
    ) -> Subscription:
        """Subscribe a handler under the stable id ``<plugin>:<handler>@<pattern>``."""
        pattern_name = HandlerSpec(pattern).pattern_name
        label = handler_name or getattr(handler, "__name__", "handler")
        subscription = self.bus.subscribe(
            pattern,
            handler,
            subscriber=f"{self.name}:{label}@{pattern_name}",
            timeout=timeout,
            max_attempts=max_attempts,
        )
        self._subscriptions.append(subscription)
        return subscription

    def _unsubscribe_all(self) -> None:
        for subscription in self._subscriptions:
            self.bus.unsubscribe(subscription)
        self._subscriptions.clear()

    async def publish(
        self,
        name: str | None = None,
        data: Any = None,
        *,
        cause: Event[Any] | None = None,
        priority: EventPriority | None = None,
        event_type: type[Event[Any]] | None = None,
    ) -> Event[Any]:
        """Publish an event from this plugin.

        Inside a handler the new event derives from the event being handled
        (same correlation id, causation id set), unless ``cause`` says
        otherwise; outside one it starts a new correlation.
        """
        parent = cause or current_event.get()
        if parent is not None:
            event = parent.derive(
                name, data, source_plugin=self.name, priority=priority, event_type=event_type
            )
        else:
            factory: type[Event[Any]] = event_type or Event
            event = factory.create(
                name, data, source_plugin=self.name, priority=priority or EventPriority.NORMAL
            )
        return await self.bus.publish(event)

    def report_progress(self, fraction: float, message: str = "", *, cause: Event[Any] | None = None) -> None:
        """Tell the host how far this plugin is with the current event's work (0 to 1)."""
        event = cause or current_event.get()
        if event is None:
            return
        self.bus.report_progress(
            ProgressUpdate(self.name, event.correlation_id, min(max(fraction, 0.0), 1.0), message)
        )

    # -- work off the event loop -------------------------------------------

    @property
    def max_concurrent_tasks(self) -> int:
        """The bound on this plugin's concurrent CPU jobs, from its settings."""
        return self.settings.max_concurrent_tasks

    def _executor(self, processes: bool) -> Executor:
        if processes:
            if self._processes is None:
                self._processes = ProcessPoolExecutor(
                    self.max_concurrent_tasks, mp_context=multiprocessing.get_context("spawn")
                )
            return self._processes
        if self._threads is None:
            self._threads = ThreadPoolExecutor(
                self.max_concurrent_tasks, thread_name_prefix=f"panotti-{self.name}"
            )
        return self._threads

    async def run_in_thread(self, function: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """Run blocking work (file I/O, NumPy) in this plugin's bounded thread pool."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor(False), functools.partial(function, *args, **kwargs))

    async def run_in_process(self, function: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """Run CPU-heavy work in this plugin's bounded process pool (picklable arguments)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor(True), functools.partial(function, *args, **kwargs))

    async def run_in_process_with_progress(self, function: Callable[..., R], *args: Any, **kwargs: Any) -> R:
        """Like :meth:`run_in_process`, passing ``progress=`` a callback whose reports reach the host.

        ``function`` calls ``progress(fraction, message)`` in the worker; the
        plugin relays it with :meth:`report_progress` for the event being handled.
        """
        cause = current_event.get()
        with tempfile.TemporaryDirectory(prefix=f"panotti-{self.name}-") as folder:
            progress = ProgressFile(Path(folder) / "progress")
            job = asyncio.ensure_future(self.run_in_process(function, *args, progress=progress, **kwargs))
            while not job.done():
                await asyncio.wait({job}, timeout=0.25)
                seen = progress.read()
                if seen is not None:
                    self.report_progress(*seen, cause=cause)
            return job.result()

    # -- files -----------------------------------------------------------

    @property
    def output_dir(self) -> Path:
        """Where this plugin writes: the ``output_dir`` setting, else ``<data dir>/outputs/<name>``."""
        configured = getattr(self.settings, "output_dir", None)
        return Path(configured) if configured else self.data_dir / "outputs" / self.name

    def recording_dir(self, recording_id: str) -> Path:
        """The (created) folder for one recording's outputs; the id is checked to be safe."""
        folder = self.output_dir / validate_recording_id(recording_id)
        folder.mkdir(parents=True, exist_ok=True)
        return folder

"""Versions: of the distribution, and of the API plugins are written against."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("panotti")
except PackageNotFoundError:  # running from a source tree
    __version__ = "0.0.0"

HOST_API_VERSION = "1.0"
"""Bumped in its major part when a change breaks plugins; plugins declare ``host_api``."""

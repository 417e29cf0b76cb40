"""``panotti denoise``: clean one file from the command line."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click
import soundfile
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from panotti import RecordingError
from panotti.audio import probe

from ._process import Options, clean_file


@click.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.argument("output_path", metavar="OUTPUT", type=click.Path(path_type=Path))
@click.option("--reference", type=click.Path(path_type=Path), help="System-audio track: removes its bleed.")
@click.option("--plot", type=click.Path(path_type=Path), help="Write a before/after spectrogram (PNG).")
@click.option("--max-attenuation", type=click.FloatRange(0, 40), default=18.0, show_default=True)
@click.option(
    "--highpass", type=click.FloatRange(0, 300), default=0.0, show_default=True, help="Hz; 0 is off."
)
@click.option("--json", "as_json", is_flag=True, help="Print the statistics as JSON.")
def denoise(
    input_path: Path,
    output_path: Path,
    reference: Path | None,
    plot: Path | None,
    max_attenuation: float,
    highpass: float,
    as_json: bool,
) -> None:
    """Clean a microphone recording (noise, and the far end's bleed with --reference)."""
    err = Console(stderr=True)
    try:
        probe(input_path, role="input")
        if reference is not None:
            probe(reference, role="reference")
    except RecordingError as error:
        err.print(f"[red]error:[/] {error}")
        raise SystemExit(2) from None
    if plot is not None:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            err.print(
                "[red]error:[/] --plot needs matplotlib: pip install 'panotti-plugin-noise-reduction[plot]'"
            )
            raise SystemExit(2) from None
    options = Options(max_attenuation_db=max_attenuation, highpass_hz=highpass)
    with Progress(
        TextColumn("{task.description:<26}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=err,
        disable=as_json,
    ) as bar:
        task = bar.add_task("cleaning", total=1.0)
        try:
            result = clean_file(
                input_path,
                output_path,
                reference,
                options,
                lambda fraction, message: bar.update(task, completed=fraction, description=message),
            )
        except (soundfile.LibsndfileError, RuntimeError, ValueError, OSError) as error:
            err.print(f"[red]error:[/] cannot clean {input_path}: {error}")
            raise SystemExit(1) from None
    if plot is not None:
        from ._plot import spectrogram_comparison

        spectrogram_comparison(input_path, output_path, plot)
    if as_json:
        click.echo(json.dumps(asdict(result), indent=2))
        return
    click.echo(
        f"wrote {result.output_path} ({result.duration_seconds:.1f} s in {result.runtime_seconds:.2f} s)"
    )
    summary = f"estimated input SNR {result.estimated_input_snr_db:.1f} dB"
    summary += f", attenuation {result.attenuation_db:.1f} dB"
    if result.bleed_removed_db is not None:
        summary += f", bleed delay {result.bleed_delay_ms:.1f} ms, removed {result.bleed_removed_db:.1f} dB"
    click.echo(summary)

"""Meeting-notes benchmark: the local engine's speed and memory, and its quality against a baseline.

    pip install ./core ./plugins-meeting-notes rouge-score sumy
    python bench/meeting_notes/run.py

Speed: transcripts of 10 minutes, 1 hour and 3 hours, made by repeating the shipped fixture
meetings with shifted timestamps, each summarised in its own process (time and VmHWM).
Quality, on the fixtures with hand-written reference notes: action-item precision and recall
(owner, task words and due date must all match), and ROUGE-1/ROUGE-L F1 of the executive
summary, side by side with a plain TextRank summary from sumy (same number of sentences;
sumy has no action items, so its precision/recall row shows none).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from rouge_score import rouge_scorer

FIXTURES = Path(__file__).resolve().parents[2] / "plugins-meeting-notes" / "tests" / "fixtures"
MEETINGS = ["product_sync", "incident_review", "hiring_plan"]

_CHILD = """
import json, sys, time
from pathlib import Path
from panotti_meeting_notes import read_transcript, summarise
started = time.perf_counter()
notes = summarise(read_transcript(Path(sys.argv[1])))
seconds = time.perf_counter() - started
status = Path("/proc/self/status").read_text()
peak = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")) / 1024
print(json.dumps({"seconds": seconds, "peak_rss_mb": peak, "actions": len(notes.action_items)}))
"""


def long_transcript(minutes: int, folder: Path) -> tuple[Path, int]:
    """Fixture turns repeated with shifted times until the transcript lasts ``minutes``."""
    from panotti_meeting_notes import read_transcript

    turns = [u for name in MEETINGS for u in read_transcript(FIXTURES / f"{name}.md").utterances]
    lines = ["# Long meeting", "", "- Attendees: Maria, Tom, Priya, Ana, Ben, Chen, Dana, Lena, Omar", ""]
    offset = 0.0
    count = 0
    while offset < minutes * 60:
        for turn in turns:
            moment = offset + (turn.start or 0) / 2  # twice as dense as the fixtures: ~8,500 words an hour
            stamp = f"{int(moment) // 3600:02d}:{int(moment) % 3600 // 60:02d}:{int(moment) % 60:02d}"
            lines.append(f"[{stamp}] {turn.speaker}: {turn.text}")
        offset += 6 * 60
        count += len(turns)
    path = folder / f"long-{minutes}.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, count


def speed() -> list[dict[str, float]]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for minutes in (10, 60, 180):
            path, turns = long_transcript(minutes, Path(tmp))
            done = subprocess.run(
                [sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True, check=True
            )
            measured = json.loads(done.stdout)
            words = len(path.read_text(encoding="utf-8").split())
            rows.append({"minutes": minutes, "turns": turns, "words": words, **measured})
    return rows


def sumy_summary(path: Path, sentences: int) -> str:
    from sumy.nlp.tokenizers import Tokenizer
    from sumy.parsers.plaintext import PlaintextParser
    from sumy.summarizers.text_rank import TextRankSummarizer

    from panotti_meeting_notes import read_transcript

    text = "\n".join(u.text for u in read_transcript(path).utterances)

    class RegexTokenizer(Tokenizer):  # sumy's default needs NLTK's punkt download; stay offline
        def __init__(self) -> None:
            self._language = "english"

        def to_sentences(self, paragraph: str) -> tuple[str, ...]:
            import re

            return tuple(s for s in re.split(r"(?<=[.!?])\s+", paragraph) if s)

        def to_words(self, sentence: str) -> tuple[str, ...]:
            import re

            return tuple(re.findall(r"[A-Za-z0-9']+", sentence))

    tokenizer = RegexTokenizer()
    parser = PlaintextParser.from_string(text, tokenizer)
    return " ".join(str(s) for s in TextRankSummarizer()(parser.document, sentences))


def quality() -> dict[str, dict[str, float]]:
    from panotti_meeting_notes import read_transcript, summarise

    scorer = rouge_scorer.RougeScorer(["rouge1", "rougeL"], use_stemmer=True)
    totals = {"tp": 0, "found": 0, "expected": 0}
    scores: dict[str, dict[str, list[float]]] = {
        "panotti": {"rouge1": [], "rougeL": []},
        "sumy": {"rouge1": [], "rougeL": []},
    }
    for name in MEETINGS:
        path = FIXTURES / f"{name}.md"
        reference = json.loads((FIXTURES / f"{name}.reference.json").read_text())
        notes = summarise(read_transcript(path))
        expected = reference["action_items"]

        def matches(item: object, truth: dict[str, object]) -> bool:
            task = item.task.lower()  # type: ignore[attr-defined]
            return (
                item.owner == truth["owner"]  # type: ignore[attr-defined]
                and all(word in task for word in str(truth["task"]).lower().split())
                and item.due == truth["due"]  # type: ignore[attr-defined]
            )

        totals["tp"] += sum(any(matches(f, t) for t in expected) for f in notes.action_items)
        totals["found"] += len(notes.action_items)
        totals["expected"] += len(expected)
        ours = " ".join(notes.executive_summary)
        baseline = sumy_summary(path, len(notes.executive_summary))
        for system, text in (("panotti", ours), ("sumy", baseline)):
            for metric, score in scorer.score(reference["summary"], text).items():
                scores[system][metric].append(score.fmeasure)
    result = {
        system: {metric: sum(values) / len(values) for metric, values in metrics.items()}
        for system, metrics in scores.items()
    }
    result["panotti"]["precision"] = totals["tp"] / max(totals["found"], 1)
    result["panotti"]["recall"] = totals["tp"] / max(totals["expected"], 1)
    return result


def main() -> None:
    rows = speed()
    scores = quality()
    print("| transcript | turns | words | seconds | peak RSS (MB) | action items found |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['minutes']} min | {row['turns']} | {row['words']} | {row['seconds']:.3f}"
            f" | {row['peak_rss_mb']:.0f} | {row['actions']} |"
        )
    print()
    print(
        "| engine (3 fixture meetings) | action-item precision | action-item recall | ROUGE-1 F1 | ROUGE-L F1 |"
    )
    print("|---|---|---|---|---|")
    ours = scores["panotti"]
    print(
        f"| panotti local | {ours['precision']:.0%} | {ours['recall']:.0%} | {ours['rouge1']:.3f} | {ours['rougeL']:.3f} |"
    )
    base = scores["sumy"]
    print(f"| sumy TextRank | – | – | {base['rouge1']:.3f} | {base['rougeL']:.3f} |")


if __name__ == "__main__":
    main()

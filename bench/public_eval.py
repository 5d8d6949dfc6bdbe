"""Final check on the two public portal sets: how often the bot answers confidently.

Usage: .venv/bin/python bench/public_eval.py ../shared/public-eval/raw [--show N]

Nearly every question in these sets is outside what a commune handles (the national portal's
FAQ; the fisheries e-government FAQ), so an answer from the commune knowledge base is counted as
*confidently wrong*. The few questions a commune does handle are listed with --show so that a
person can judge them; the figure is an upper bound on the real rate.

This is a final check, never a fitting set: nothing here may be tuned on these questions, and
nothing from them is copied into the project. It talks to the bot only through the stable
`cchc-bot ask --json -` contract, as an outside evaluator would.
"""

from __future__ import annotations

import argparse
import collections
import json
import subprocess
import sys
import unicodedata
from pathlib import Path

import yaml

PORTAL_INTENTS = ("ask",)


def folded(text: str) -> str:
    """Case and diacritics folded: the set lists most questions twice, with and without marks."""
    text = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    return "".join(c for c in text if not unicodedata.combining(c)).strip(" ?.")


def portal_questions(raw: Path) -> list[str]:
    """The citizens' questions of the national portal set (one of each after folding marks)."""
    data = yaml.safe_load((raw / "dec1mo_dichvucong_faq" / "nlu.yml").read_text(encoding="utf-8"))
    seen: set[str] = set()
    questions: list[str] = []
    for block in data["nlu"]:
        if block["intent"] not in PORTAL_INTENTS:
            continue
        for line in block["examples"].splitlines():
            text = line.strip().removeprefix("- ").strip()
            if text and folded(text) not in seen:
                seen.add(folded(text))
                questions.append(text)
    return questions


def fisheries_questions(raw: Path) -> list[str]:
    """The fisheries e-government FAQ questions."""
    path = raw / "drpie143_egov_bot" / "dvc_faq_qa_500.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()]


def ask(questions: list[str]) -> list[dict[str, object]]:
    """Run the questions through `cchc-bot ask --json -`."""
    binary = Path(sys.executable).with_name("cchc-bot")
    done = subprocess.run(  # noqa: S603 - our own console script, fixed arguments
        [str(binary), "ask", "--json", "-"],
        input="\n".join(q.replace("\n", " ") for q in questions) + "\n",
        capture_output=True,
        text=True,
        check=True,
    )
    return [json.loads(line) for line in done.stdout.splitlines()]


def report(name: str, results: list[dict[str, object]], show: int) -> None:
    """Print the bands and the confidently answered share of one set."""
    bands = collections.Counter(str(r["band"]) for r in results)
    answered = [r for r in results if r["band"] == "answer"]
    share = 100.0 * len(answered) / max(1, len(results))
    print(f"{name}: {len(results)} questions; bands {dict(bands)}")
    print(f"  answered confidently (counted wrong): {len(answered)} = {share:.1f} %")
    topics = collections.Counter(str(r["intent"]) for r in answered)
    print(f"  answered topics: {dict(topics.most_common(8))}")
    for r in answered[:show]:
        print(f"    {r['intent']} ({r['score']}): {r['query']}")


def main() -> None:
    """Entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raw", type=Path, help="the public-eval raw folder")
    parser.add_argument("--show", type=int, default=0, help="list the first N answered")
    args = parser.parse_args()
    for name, questions in (
        ("portal (dichvucong FAQ)", portal_questions(args.raw)),
        ("fisheries (egov bot)", fisheries_questions(args.raw)),
    ):
        report(name, ask(questions), args.show)


if __name__ == "__main__":
    main()

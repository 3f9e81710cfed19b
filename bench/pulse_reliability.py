"""Reliability of the pulse form against the full form on simulated answers (alpha per scale).

Simulated respondents answer every statement of Smart Trust v2 about a contractor; the same
answers are then read as the pulse form (its subset of the items). Each scale has one latent
level per respondent, every item measures it with the same loading plus noise, answers are
rounded onto 1..7 and reverse-keyed items are answered mirrored. With equal loadings,
Spearman-Brown predicts the shorter scale's alpha from the longer one's; the table shows both
forms' alpha and that prediction.

    python -m bench.pulse_reliability [--respondents 400] [--seed 7] [--no-record]
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

import numpy as np

from app.scoring.questionnaire import QuestionnaireDefinition
from app.scoring.reliability import cronbach_alpha
from app.scoring.smart_trust_pulse import smart_trust_pulse
from app.scoring.smart_trust_v2 import smart_trust_v2

KIND = "contractor"
LOADING = 0.8  # how strongly each item follows its scale's latent level


@dataclass(frozen=True, slots=True)
class ScaleAlpha:
    key: str
    full_items: int
    pulse_items: int
    full_alpha: float
    pulse_alpha: float
    predicted: float  # Spearman-Brown from the full form's alpha


def simulate(respondents: int, seed: int) -> list[dict[str, int]]:
    """Answers of `respondents` people to every full-form item about a contractor."""
    rng = np.random.default_rng(seed)
    full = smart_trust_v2()
    general = rng.normal(size=respondents)  # trust in general colours every scale a little
    latent = {
        scale.key: 0.5 * general + np.sqrt(0.75) * rng.normal(size=respondents)
        for scale in full.scales
    }
    noise_sd = np.sqrt(1 - LOADING**2)
    answers: list[dict[str, int]] = [{} for _ in range(respondents)]
    for item in full.items:
        if not item.fits(KIND):
            continue
        signal = LOADING * latent[item.scale] + noise_sd * rng.normal(size=respondents)
        values = np.clip(np.rint(4 + 1.3 * signal), 1, 7).astype(int)
        for person, value in enumerate(values):
            answers[person][item.id] = int(8 - value if item.reverse else value)
    return answers


def _alpha(definition: QuestionnaireDefinition, key: str, answers: list[dict[str, int]]) -> float:
    items = definition.items_for(key, KIND)
    rows = [[8 - a[i.id] if i.reverse else a[i.id] for i in items] for a in answers]
    result = cronbach_alpha(rows)
    assert result is not None
    return result.alpha


def compare(respondents: int = 400, seed: int = 7) -> list[ScaleAlpha]:
    """Alpha per scale of the pulse and the full form on the same simulated answers."""
    full, pulse = smart_trust_v2(), smart_trust_pulse()
    answers = simulate(respondents, seed)
    found = []
    for scale in pulse.scales:
        k_full = len(full.items_for(scale.key, KIND))
        k_pulse = len(pulse.items_for(scale.key, KIND))
        full_alpha = _alpha(full, scale.key, answers)
        ratio = k_pulse / k_full
        predicted = ratio * full_alpha / (1 + (ratio - 1) * full_alpha)
        found.append(
            ScaleAlpha(
                scale.key, k_full, k_pulse, full_alpha, _alpha(pulse, scale.key, answers), predicted
            )
        )
    return found


def table(rows: list[ScaleAlpha]) -> str:
    lines = [
        "| scale | items full | items pulse | alpha full | alpha pulse | Spearman-Brown |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.key} | {r.full_items} | {r.pulse_items} | {r.full_alpha:.3f} "
            f"| {r.pulse_alpha:.3f} | {r.predicted:.3f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=400)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    text = table(compare(args.respondents, args.seed))
    print(text)
    if not args.no_record:
        heading = (
            f"\n## Pulse form reliability (simulated, {args.respondents} respondents, "
            f"seed {args.seed})\n\n"
        )
        with open("bench/RESULTS.md", "a", encoding="utf-8") as results:
            results.write(heading + text + "\n")


if __name__ == "__main__":
    main()

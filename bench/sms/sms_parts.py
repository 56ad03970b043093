"""SMS cost of the shared check-in (issue 12): parts per language for 10,000 people, written with
every accent (the reference: how Amparo sent it before) and in GSM-7 as it is sent now.

Each person's own text is counted (their given names from a list of names common in the region,
with and without accents, a check-in link of its real length), as networks bill it.

Usage: bench/sms/run.sh
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amparo.settings")

import django  # noqa: E402

django.setup()

from amparo.messaging.defaults import DEFAULT_TEMPLATES  # noqa: E402
from amparo.messaging.rendering import message_text, uses_gsm7  # noqa: E402
from amparo.messaging.sms import sms_length  # noqa: E402

NAMES = [
    "María José", "José Luis", "Ana", "Jesús", "Guadalupe", "Héctor", "Sofía", "Martín", "Ramón", "Inés",
    "Juan Carlos", "Lucía", "Andrés", "Mónica", "Wilna", "Jean Robert", "Marie-Ange", "Nadège", "João",
    "Conceição", "Ángel", "Verónica", "Raúl", "Dolores", "Francisco", "Joël", "Thérèse", "Kervens",
]  # fmt: skip
PEOPLE = 10_000
LINK = "https://amparo.example.org/messaging/c/" + "x" * 24 + "/"


def main() -> None:
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    body_by_language = {lang: body for lang, (_subject, body) in DEFAULT_TEMPLATES["¿Está a salvo?"][1].items()}
    rng = random.Random(12)
    print(f"| language | parts with every accent (reference) | parts in GSM-7 (now) | for {PEOPLE:,} people |")
    print("| --- | --- | --- | --- |")
    for language, body in body_by_language.items():
        before = after = 0
        for _ in range(PEOPLE):
            values = {
                "given_name": rng.choice(NAMES), "crisis": "Huracán Otis", "checkin_link": LINK,
                "organization": "Consulado General de Guatemala en Tapachula",
            }  # fmt: skip
            kept = message_text(body, values, kind="sms", language=language, gsm7=False)
            sent = message_text(body, values, kind="sms", language=language, gsm7=uses_gsm7(language=language))
            before += sms_length(kept).segments
            after += sms_length(sent).segments
        print(
            f"| {language} | {before / PEOPLE:.2f} per person | {after / PEOPLE:.2f} per person | {before:,} → {after:,} |"
        )


if __name__ == "__main__":
    main()

"""SMS length: which encoding a text needs and how many segments it costs.

GSM-7 (3GPP TS 23.038 default alphabet): 160 septets in one message, 153 per segment when split;
the extension table characters ^ { } \\ [ ~ ] | € and form feed cost two septets (escape + char)
and an escape pair is never split across segments. Any other character forces UCS-2: 70 UTF-16
code units in one message, 67 per segment, and a surrogate pair (emoji) is never split.
Spanish á, í, ó, ú are NOT in GSM-7 (é, ñ, ü are), a common surprise the editor points out.
"""

from __future__ import annotations

from dataclasses import dataclass

GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = set("\f^{}\\[~]|€")


@dataclass(frozen=True)
class SmsLength:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int
    per_segment: int
    non_gsm: tuple[str, ...]  # characters that forced UCS-2 (empty for GSM-7)


def _pack(costs: list[int], single: int, multi: int) -> int:
    if sum(costs) <= single:
        return 1 if costs else 0
    segments, used = 1, 0
    for cost in costs:
        if used + cost > multi:
            segments += 1
            used = 0
        used += cost
    return segments


def sms_length(text: str) -> SmsLength:
    non_gsm = tuple(dict.fromkeys(ch for ch in text if ch not in GSM7_BASIC and ch not in GSM7_EXTENSION))
    if not non_gsm:
        costs = [2 if ch in GSM7_EXTENSION else 1 for ch in text]
        segments = _pack(costs, 160, 153)
        return SmsLength("GSM-7", sum(costs), segments, 160 if segments <= 1 else 153, ())
    costs = [2 if ord(ch) > 0xFFFF else 1 for ch in text]
    segments = _pack(costs, 70, 67)
    return SmsLength("UCS-2", sum(costs), segments, 70 if segments <= 1 else 67, non_gsm)

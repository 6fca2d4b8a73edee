"""Psychographics: does the person talk about what the ICP cares about? Each ICP pain
point, goal, motivation and value is a phrase; it counts as mentioned when at least half
of its meaningful words (stemmed) appear in the headline, summary or skills. Pain points
weigh most (a named problem is the strongest buying signal), motivations and values
least (generic words many profiles use). The reason quotes the phrase and the profile's
own words that matched."""

from __future__ import annotations

from dataclasses import dataclass

from leadgen_common.contracts import DimensionScore, ProspectProfile
from leadgen_common.contracts.icp import Psychographics

from .rules import UNKNOWN, Rule, combine
from .text import content_stems, quote, stem, words

#: Credit that earns the full score (three pain points mentioned in full, say): a profile
#: is short, nobody writes about every theme of an ICP.
FULL_CREDIT = 3.0
#: Share of a phrase's words that must appear for it to count at all.
_MIN_SHARE = 0.5
_SHOWN = 3
#: (ICP field, label in reasons, credit of a phrase mentioned in full).
_CATEGORIES = (
    ("pain_points", "pain point", 1.0),
    ("goals", "goal", 0.75),
    ("motivations", "motivation", 0.5),
    ("values", "value", 0.5),
)


@dataclass(frozen=True, slots=True)
class _Mention:
    category: str
    phrase: str
    credit: float
    matched: tuple[str, ...]  # the profile's words, as written


def score_psychographics(
    icp: Psychographics, profile: ProspectProfile, similarity: Rule | None
) -> DimensionScore:
    return combine(
        [_keyword_rule(icp, profile), similarity],
        every=False,
        neutral_reason="ICP sets no pain points, goals, motivations or values: neutral",
    )


def _profile_words(profile: ProspectProfile) -> dict[str, str]:
    """Stem -> the first word of the profile that has it."""
    text = " ".join(part for part in (profile.headline, profile.summary, *profile.skills) if part)
    found: dict[str, str] = {}
    for word in words(text):
        found.setdefault(stem(word), word)
    return found


def _keyword_rule(icp: Psychographics, profile: ProspectProfile) -> Rule | None:
    phrases = [
        (label, weight, phrase)
        for field, label, weight in _CATEGORIES
        for phrase in getattr(icp, field)
    ]
    if not phrases:
        return None
    vocabulary = _profile_words(profile)
    if not vocabulary:
        return Rule(UNKNOWN, 1.0, "no headline, summary or skills to compare")
    found = (_mention(label, weight, phrase, vocabulary) for label, weight, phrase in phrases)
    mentions = [mention for mention in found if mention is not None]
    if not mentions:
        return Rule(0.0, 1.0, "no ICP pain points, goals, motivations or values mentioned")
    # An ICP with few themes can still be met in full.
    target = min(FULL_CREDIT, sum(weight for _, weight, _ in phrases))
    score = min(1.0, sum(m.credit for m in mentions) / target)
    return Rule(round(score, 4), 1.0, _reason(mentions))


def _mention(
    category: str, weight: float, phrase: str, vocabulary: dict[str, str]
) -> _Mention | None:
    wanted = content_stems(phrase)
    if not wanted:
        return None
    hits = [stem_ for stem_ in wanted if stem_ in vocabulary]
    share = len(hits) / len(wanted)
    if share < _MIN_SHARE:
        return None
    return _Mention(category, phrase, weight * share, tuple(vocabulary[h] for h in hits))


def _reason(mentions: list[_Mention]) -> str:
    ranked = sorted(mentions, key=lambda m: -m.credit)  # stable: ICP order on ties
    shown = [f"{m.category} {quote(m.phrase)} ({', '.join(m.matched)})" for m in ranked[:_SHOWN]]
    more = len(ranked) - _SHOWN
    suffix = f" (+{more} more)" if more > 0 else ""
    return "mentions " + "; ".join(shown) + suffix

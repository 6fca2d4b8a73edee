"""The texts that get embedded, built as spec §1.2 and §4.2 build them.

ICP text (spec §1.2, ``buildICPVectorText``)::

    ICP: {name}
    Demographics: Job Titles: {titles}; Age Range: {range}; Location: {location}
    Firmographics: Industry: {industry}; Company Size: {size}; Revenue: {revenue}
    Psychographics: Pain Points: {points}; Goals: {goals}
    Behaviors: Buying Triggers: {triggers}; Preferred Channels: {channels}

Profile text (spec §4.2 step 3)::

    Job: {title} at {company} | Location: {location} | Bio: {bio} | Skills: {skills} |
    Interests: {interests}

A field the ICP or the profile does not have is left out with its label (an empty
"Age Range: " would only add noise to the embedding), and so is a line or part left
empty. Bio is the summary (the headline when there is none); interests are the topics
the person recently posted about (``activity.recent_topics``).

:func:`comparison_texts` says which ICP text each dimension compares the profile text
with: the whole ICP text for demographics and firmographics (a job, a company and a bio
only make sense together), the Psychographics line for psychographics ("does this
person talk about the ICP's pains and goals?") and the Behaviors line for activity. A
dimension the ICP says nothing about compares nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from leadgen_common.contracts import Icp, ProspectProfile

from .similarity import Dimension

_LIST = ", "


def _joined(values: Iterable[str]) -> str:
    return _LIST.join(value.strip() for value in values if value and value.strip())


def _fields(pairs: Iterable[tuple[str, str | None]], separator: str) -> str:
    return separator.join(f"{label}: {value}" for label, value in pairs if value)


def icp_section_texts(icp: Icp) -> dict[Dimension, str]:
    """Each dimension's line of the ICP text ("Demographics: Job Titles: …"); a dimension
    whose line would be empty is left out."""
    d, f, p, b = icp.demographics, icp.firmographics, icp.psychographics, icp.behaviors
    fields = {
        Dimension.DEMOGRAPHICS: (
            "Demographics",
            [
                ("Job Titles", _joined(d.job_titles)),
                ("Age Range", d.age_range),
                ("Location", _joined(d.locations)),
            ],
        ),
        Dimension.FIRMOGRAPHICS: (
            "Firmographics",
            [
                ("Industry", _joined(f.industry)),
                ("Company Size", _joined(f.company_size)),
                ("Revenue", f.revenue),
            ],
        ),
        Dimension.PSYCHOGRAPHICS: (
            "Psychographics",
            [("Pain Points", _joined(p.pain_points)), ("Goals", _joined(p.goals))],
        ),
        # Behaviors (how the persona buys) is what the activity dimension looks at.
        Dimension.ACTIVITY: (
            "Behaviors",
            [
                ("Buying Triggers", _joined(b.buying_triggers)),
                ("Preferred Channels", _joined(b.preferred_channels)),
            ],
        ),
    }
    lines = {}
    for dimension, (heading, pairs) in fields.items():
        body = _fields(pairs, "; ")
        if body:
            lines[dimension] = f"{heading}: {body}"
    return lines


def icp_text(icp: Icp) -> str:
    """The whole ICP as one text: its name, then each dimension's line."""
    return "\n".join([f"ICP: {icp.name}", *icp_section_texts(icp).values()])


def _job(profile: ProspectProfile) -> str:
    title = (profile.title or "").strip() or (profile.headline or "").strip()
    company = (profile.company_name or "").strip()
    if title and company:
        return f"{title} at {company}"
    return title or company


def _interests(profile: ProspectProfile) -> str:
    topics = profile.activity.get("recent_topics")
    if isinstance(topics, str):
        return topics.strip()
    if isinstance(topics, list | tuple):
        return _joined(str(topic) for topic in topics if topic is not None)
    return ""


def profile_text(profile: ProspectProfile) -> str:
    """The person as one text (spec §4.2); empty only for a profile with nothing in it."""
    bio = (profile.summary or "").strip() or (profile.headline or "").strip()
    return _fields(
        [
            ("Job", _job(profile)),
            ("Location", (profile.location or "").strip()),
            ("Bio", " ".join(bio.split())),
            ("Skills", _joined(profile.skills)),
            ("Interests", _interests(profile)),
        ],
        " | ",
    )


def comparison_texts(icp: Icp) -> dict[Dimension, str]:
    """The ICP text each dimension compares the profile text with (see the module doc)."""
    sections = icp_section_texts(icp)
    whole = icp_text(icp)
    compared = {
        Dimension.DEMOGRAPHICS: whole,
        Dimension.FIRMOGRAPHICS: whole,
        Dimension.PSYCHOGRAPHICS: sections.get(Dimension.PSYCHOGRAPHICS),
        Dimension.ACTIVITY: sections.get(Dimension.ACTIVITY),
    }
    return {
        dimension: text
        for dimension, text in compared.items()
        if text is not None and dimension in sections
    }

"""The embedded texts, exactly as spec §1.2 and §4.2 build them."""

from __future__ import annotations

from leadgen_common.contracts import Icp
from leadgen_scoring.domain import Dimension
from leadgen_scoring.domain.texts import (
    comparison_texts,
    icp_section_texts,
    icp_text,
    profile_text,
)

SAMPLE_ICP_TEXT = """\
ICP: Enterprise SaaS Decision Maker
Demographics: Job Titles: CTO, VP Engineering, Director of Engineering, Head of Product; \
Age Range: 35-55; Location: United States, United Kingdom, Canada
Firmographics: Industry: Software, SaaS, Cloud Computing, Cybersecurity; \
Company Size: 51-200, 201-500, 501-1000; Revenue: $10M-$100M ARR
Psychographics: Pain Points: Scaling engineering team, Technical debt management, \
DevOps automation, Security compliance; Goals: Improve development velocity, \
Reduce operational costs, Enhance product quality, Accelerate time-to-market
Behaviors: Buying Triggers: Recent funding round, Hiring surge in engineering, \
Product launch announcement, Compliance deadline; Preferred Channels: LinkedIn, \
Industry conferences, Peer recommendations"""


def test_the_sample_icp_text_is_the_spec_layout(sample_icp):
    assert icp_text(sample_icp) == SAMPLE_ICP_TEXT


def test_the_profile_text_is_the_spec_layout(make_profile):
    profile = make_profile(
        title="VP of Engineering",
        company_name="Acme Cloud",
        location="San Francisco, California, United States",
        summary="I lead engineering\n at Acme Cloud.",
        skills=["DevOps", "Kubernetes"],
        activity={"recent_topics": ["hiring engineers", "funding"], "posts_last_30d": 3},
    )
    assert profile_text(profile) == (
        "Job: VP of Engineering at Acme Cloud | "
        "Location: San Francisco, California, United States | "
        "Bio: I lead engineering at Acme Cloud. | Skills: DevOps, Kubernetes | "
        "Interests: hiring engineers, funding"
    )


def test_missing_profile_fields_are_left_out_with_their_labels(make_profile):
    assert profile_text(make_profile(headline="Founder | building things")) == (
        "Job: Founder | building things | Bio: Founder | building things"
    )
    assert profile_text(make_profile(company_name="Acme")) == "Job: Acme"
    assert profile_text(make_profile(activity={"recent_topics": 7})) == ""


def test_an_icp_with_empty_sections_leaves_their_lines_out():
    icp = Icp(name="Nurses", demographics={"jobTitles": ["Registered Nurse"]})
    assert icp_text(icp) == "ICP: Nurses\nDemographics: Job Titles: Registered Nurse"
    assert icp_section_texts(icp) == {
        Dimension.DEMOGRAPHICS: "Demographics: Job Titles: Registered Nurse"
    }


def test_each_dimension_compares_with_its_icp_text(sample_icp):
    compared = comparison_texts(sample_icp)
    sections = icp_section_texts(sample_icp)
    assert compared[Dimension.DEMOGRAPHICS] == compared[Dimension.FIRMOGRAPHICS] == SAMPLE_ICP_TEXT
    assert compared[Dimension.PSYCHOGRAPHICS] == sections[Dimension.PSYCHOGRAPHICS]
    assert compared[Dimension.ACTIVITY].startswith("Behaviors: Buying Triggers: Recent funding")
    only_titles = Icp(name="Nurses", demographics={"jobTitles": ["Registered Nurse"]})
    assert set(comparison_texts(only_titles)) == {Dimension.DEMOGRAPHICS}

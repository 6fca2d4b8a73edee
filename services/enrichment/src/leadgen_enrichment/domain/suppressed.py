"""What enrichment publishes for a person their team's suppression list names (pure).

Still a ``prospect.enriched`` — the campaign's funnel waits for every discovered prospect
at every stage — but with nothing about the person in it: the profile keeps only what
names the record (platform and platform profile id, which the prospect id is derived
from), the enrichment is empty, and ``enrichment_skipped`` says ``suppressed``, which
lead-writer takes as "store nothing, erase what you have". Calls already made (a found
email can be what is suppressed) stay in the event for the cost ledger.
"""

from __future__ import annotations

from collections.abc import Iterable

from leadgen_common.contracts.events import (
    Enrichment,
    ProspectDiscovered,
    ProspectEnriched,
    ProspectProfile,
    ProviderCall,
)
from leadgen_common.suppression import SUPPRESSED


def withheld(
    discovered: ProspectDiscovered, calls: Iterable[ProviderCall] = ()
) -> ProspectEnriched:
    profile = discovered.profile
    return ProspectEnriched(
        prospect_id=discovered.prospect_id,
        campaign_id=discovered.campaign_id,
        profile=ProspectProfile(
            platform=profile.platform,
            platform_profile_id=profile.platform_profile_id,
            profile_url="",
            name="",
        ),
        options=discovered.options,
        enrichment=Enrichment(),
        enrichment_skipped=SUPPRESSED,
        provider_calls=list(calls),
    )

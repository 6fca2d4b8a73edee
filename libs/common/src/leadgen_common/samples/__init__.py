"""The product spec's sample ICP (appendix C), and a second, very different ICP.

The source of truth of the sample is ``shared/data/sample-icp.json`` beside the checkout;
a copy ships in this package so an installed wheel, a lone clone or a container still has
it. The second ICP (``industrial-operations-icp.json``: operations and supply-chain
leaders at manufacturing, automotive, logistics and energy companies in North America and
Europe) shares no function, title or industry with the sample; it exists only
here, and the scoring quality test runs both over the same sandbox people.
"""

from __future__ import annotations

from pathlib import Path

PACKAGED = Path(__file__).with_name("sample-icp.json")
#: The second ICP: operations and supply-chain leaders at industrial companies.
INDUSTRIAL_OPERATIONS = Path(__file__).with_name("industrial-operations-icp.json")


def sample_icp_path() -> Path:
    """``shared/data/sample-icp.json`` next to the repository when present, else the copy."""
    for parent in Path(__file__).resolve().parents:
        if (parent / "uv.lock").is_file():
            shared = parent.parent / "shared" / "data" / "sample-icp.json"
            if shared.is_file():
                return shared
            break
    return PACKAGED

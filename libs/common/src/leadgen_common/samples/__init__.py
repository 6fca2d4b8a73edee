"""The product spec's sample ICP (appendix C).

The source of truth is ``shared/data/sample-icp.json`` beside the checkout; a copy ships
in this package so an installed wheel, a lone clone or a container still has it.
"""

from __future__ import annotations

from pathlib import Path

PACKAGED = Path(__file__).with_name("sample-icp.json")


def sample_icp_path() -> Path:
    """``shared/data/sample-icp.json`` next to the repository when present, else the copy."""
    for parent in Path(__file__).resolve().parents:
        if (parent / "uv.lock").is_file():
            shared = parent.parent / "shared" / "data" / "sample-icp.json"
            if shared.is_file():
                return shared
            break
    return PACKAGED

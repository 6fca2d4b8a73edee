from enum import StrEnum


class Platform(StrEnum):
    """Social platforms, named as in spec §3.2 (X is ``twitter``)."""

    LINKEDIN = "linkedin"
    FACEBOOK = "facebook"
    TWITTER = "twitter"

"""An account as its network shows it: what kind of profile it is, and where people see it (#24)."""

from __future__ import annotations

from outpost.domain.enums import Network
from outpost.domain.models import Account

#: What kind of profile each network's accounts are, when one sign-in is one profile.
_KINDS: dict[Network, str] = {
    Network.FACEBOOK: "page",
    Network.YOUTUBE: "channel",
    Network.INSTAGRAM: "professional",  # Instagram's API publishes for business and creator accounts only
    Network.PINTEREST: "board",
}


#: Each kind in words, as a card or chip shows it (a personal profile says nothing).
KIND_WORDS = {"page": "Page", "channel": "Channel", "professional": "Professional account", "board": "Board"}


def account_kind(account: Account) -> str:
    """`personal`, `page`, `channel`, `professional` or `board`: what the account publishes as."""
    if account.network is Network.LINKEDIN and account.target_id:
        return "page"
    return _KINDS.get(account.network, "personal")


def profile_url(account: Account) -> str | None:
    """Where people see the account on its network, or None where Outpost cannot know the address.

    Built from what the account already holds (handle, server, page id); LinkedIn members' public
    addresses use a vanity name the API does not give, so there is none for them.
    """
    handle = account.handle.lstrip("@")
    user = handle.split("@", 1)[0]
    match account.network:
        case Network.MASTODON:
            return f"{account.service_url.rstrip('/')}/@{user}" if account.service_url else None
        case Network.BLUESKY:
            return f"https://bsky.app/profile/{handle}"
        case Network.X:
            return f"https://x.com/{handle}"
        case Network.LINKEDIN:
            organization = (account.target_id or "").rsplit(":", 1)[-1]
            return f"https://www.linkedin.com/company/{organization}/" if organization.isdigit() else None
        case Network.THREADS:
            return f"https://www.threads.com/@{handle}"
        case Network.INSTAGRAM:
            return f"https://www.instagram.com/{handle}/"
        case Network.FACEBOOK:
            return f"https://www.facebook.com/{account.target_id}" if account.target_id else None
        case Network.YOUTUBE:
            channel = account.target_id
            return (
                f"https://www.youtube.com/channel/{channel}"
                if channel
                else f"https://www.youtube.com/@{handle}"
            )
        case Network.TIKTOK:
            return f"https://www.tiktok.com/@{handle}"
        case Network.PINTEREST:
            return f"https://www.pinterest.com/{user}/"
    return None

"""How each network shows a post, as HTML for a QTextBrowser. Pure Python: no Qt, no network.

User text is always escaped (`html.escape`) before any markup is added around the spans found
in it, so a post can never inject HTML into the preview.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from outpost.domain.enums import Network
from outpost.domain.text import SpanKind, find_spans, shorten_link

# Feeds that fold long text behind "…more" (characters shown before the fold).
FOLD_AT = {
    Network.LINKEDIN: 210,
    Network.INSTAGRAM: 125,
    Network.FACEBOOK: 480,
    Network.THREADS: 500,
    Network.YOUTUBE: 160,  # the description box under a watch page's video shows about three lines
    Network.TIKTOK: 90,  # about two lines over the video, then "more"
}
ACCENT = {
    Network.MASTODON: "#6364ff",
    Network.BLUESKY: "#1185fe",
    Network.X: "#1d9bf0",
    Network.THREADS: "#000000",
    Network.LINKEDIN: "#0a66c2",
    Network.INSTAGRAM: "#e1306c",
    Network.FACEBOOK: "#1877f2",
    Network.TIKTOK: "#fe2c55",
    Network.YOUTUBE: "#ff0000",
    Network.PINTEREST: "#e60023",
}


@dataclass(frozen=True)
class Tone:
    """The colours a preview draws in besides the text's own, so it reads on a light or dark window."""

    muted: str = "#57606a"
    line: str = "#cfd4da"
    warning_background: str = "#fff3cd"
    ink: str = "#000000"  # links of networks whose colour is black (Threads) on a dark window
    lighten: float = 0.0  # how far brand colours move towards white to read on a dark window

    def accent(self, network: Network) -> str:
        """The network's link colour, readable on this tone's window."""
        colour = ACCENT[network]
        if colour == "#000000":
            return self.ink
        channels = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
        return "#" + "".join(f"{round(c + (255 - c) * self.lighten):02x}" for c in channels)


@dataclass(frozen=True)
class PreviewMedia:
    """A thumbnail the widget has registered under `url` (e.g. `thumb://3`)."""

    url: str
    kind: str
    alt: str = ""


@dataclass(frozen=True)
class PreviewPost:
    """What a preview shows: who posts, the parts of the thread, the media of the first part."""

    network: Network
    display_name: str
    handle: str
    parts: tuple[str, ...]
    media: tuple[PreviewMedia, ...] = ()
    options: Mapping[str, object] = field(default_factory=dict)
    #: The media of thread parts 2, 3, … (issue #24: media on every part).
    part_media: tuple[tuple[PreviewMedia, ...], ...] = ()

    def media_of_part(self, index: int) -> tuple[PreviewMedia, ...]:
        """The media drawn under part `index` (0: the post itself)."""
        if index == 0:
            return self.media
        return self.part_media[index - 1] if index - 1 < len(self.part_media) else ()


def render(post: PreviewPost, tone: Tone | None = None) -> str:
    """The whole preview as HTML, in `tone`'s colours (a light window's by default)."""
    tone = tone or Tone()
    if post.network is Network.YOUTUBE:
        return _youtube(post, tone)
    if not post.parts or (not any(p.strip() for p in post.parts) and not post.media):
        return f"<p style='color:{tone.muted}'>Start typing to see the post as it will appear.</p>"
    if post.network is Network.INSTAGRAM:
        return (
            "<html><body style='font-family:sans-serif; font-size:10.5pt'>"
            + _instagram(post, tone)
            + "</body></html>"
        )
    if post.network is Network.TIKTOK:
        return _tiktok(post, tone)
    if post.network is Network.PINTEREST:
        blocks = [_pin(post, tone)]
    else:
        blocks = [_part(post, index, text, tone) for index, text in enumerate(post.parts)]
    return (
        "<html><body style='font-family:sans-serif; font-size:10.5pt'>" + "".join(blocks) + "</body></html>"
    )


def _part(post: PreviewPost, index: int, text: str, tone: Tone) -> str:
    if post.network is Network.THREADS:
        return _threads_part(post, index, text, tone)
    last = index == len(post.parts) - 1
    rail = "" if last else f"border-left: 2px solid {tone.line};"
    body = _text(post.network, text, tone)
    extras = ""
    if index == 0:
        extras = _media(post, tone) if post.media else _card(post, text, tone)
    elif files := post.media_of_part(index):
        extras = _media(replace(post, media=files), tone)
    warning = post.options.get("spoiler_text") if post.network is Network.MASTODON else None
    if isinstance(warning, str) and warning:
        body = (
            f"<div style='background:{tone.warning_background}; padding:4px'><b>CW:</b> "
            f"{html.escape(warning)} <span style='color:{tone.muted}'>[show more]</span></div>"
        ) + body
    return (
        "<table width='100%' cellspacing='0' cellpadding='4'><tr>"
        f"<td width='44' valign='top' style='{rail}'>{_avatar(post)}</td>"
        f"<td valign='top'><b>{html.escape(post.display_name)}</b> "
        f"<span style='color:{tone.muted}'>{html.escape(_byline(post))}</span>"
        f"<div style='margin-top:4px'>{body}</div>{extras}{_actions(post, tone)}</td></tr></table>"
    )


def _byline(post: PreviewPost) -> str:
    """What follows the name: handle and time; a Facebook Page post shows the time and its audience."""
    if post.network is Network.FACEBOOK:
        return "· Just now · Public"
    return f"{_handle(post)} · now"


def _actions(post: PreviewPost, tone: Tone) -> str:
    """The row under a Facebook Page post (Like, Comment, Share), so the preview reads as one."""
    if post.network is not Network.FACEBOOK:
        return ""
    return (
        f"<div style='margin-top:6px; padding-top:4px; border-top:1px solid {tone.line}; color:{tone.muted}'>"
        "Like &nbsp;&nbsp;&nbsp; Comment &nbsp;&nbsp;&nbsp; Share</div>"
    )


PIN_WIDTH = 236  # a Pin's width in Pinterest's web grid, in pixels (its height follows the picture)


def _pin(post: PreviewPost, tone: Tone) -> str:
    """A Pin as it sits in a board's grid: the picture on top, the title, the description.

    Pinterest shows the description without a fold in its grid card, and the link only as the
    address the Pin leads to; threads do not exist there (validation says so).
    """
    first = post.media[0] if post.media else None
    if first is None:
        picture = (
            f"<table width='{PIN_WIDTH}' cellpadding='24' style='border:1px dashed {tone.line}'><tr>"
            f"<td align='center' style='color:{tone.muted}'>A Pin is a picture or a video:<br>"
            "attach one</td></tr></table>"
        )
    else:
        badge = "<br><span style='color:#fff;background:#000'>▶ video</span>" if first.kind == "video" else ""
        picture = f"<img src='{first.url}' width='{PIN_WIDTH}'>{badge}"
    red = ACCENT[Network.PINTEREST]
    save = f"<span style='color:#fff; background:{red}; font-weight:bold'>&nbsp;Save&nbsp;</span>"
    title = post.options.get("title")
    heading = (
        f"<div style='font-weight:bold; font-size:12pt'>{html.escape(title)}</div>"
        if isinstance(title, str) and title.strip()
        else ""
    )
    link = post.options.get("link")
    host = urlsplit(link).netloc.removeprefix("www.") if isinstance(link, str) else ""
    leads = f"<div style='color:{tone.muted}'>↗ {html.escape(host)}</div>" if host else ""
    text = post.parts[0] if post.parts else ""
    body = f"<div style='margin-top:2px'>{_text(post.network, text, tone)}</div>" if text.strip() else ""
    return (
        "<table cellspacing='0' cellpadding='2'>"
        f"<tr><td align='right'>{save}</td></tr>"
        f"<tr><td>{picture}</td></tr>"
        f"<tr><td>{heading}{body}{leads}</td></tr>"
        "<tr><td><table cellspacing='0' cellpadding='2'><tr>"
        f"<td>{_avatar(post)}</td><td valign='middle'><b>{html.escape(post.display_name)}</b></td>"
        "</tr></table></td></tr></table>"
    )


#: Who may reply, as Threads' composer words it (the `reply_control` option).
THREADS_REPLIES = {
    "accounts_you_follow": "Profiles you follow can reply",
    "mentioned_only": "Only profiles you mention can reply",
}


def _threads_part(post: PreviewPost, index: int, text: str, tone: Tone) -> str:
    """A Threads post as Threads shows it.

    The username (no display name) with the topic after a chevron, the text, the media as one
    row to swipe, the like/reply/repost/share icons, and a line joining the parts of a thread.
    """
    last = index == len(post.parts) - 1
    rail = "" if last else f"border-left: 2px solid {tone.line};"
    topic = post.options.get("topic_tag")
    header = f"<b>{html.escape(post.handle.split('@')[0])}</b>"
    if index == 0 and isinstance(topic, str) and topic.strip():
        header += f" <span style='color:{tone.muted}'>›</span> {html.escape(topic.strip())}"
    header += f" <span style='color:{tone.muted}'>now</span>"
    extras = ""
    if index == 0:
        extras = _threads_media(post, tone) if post.media else _card(post, text, tone)
    elif files := post.media_of_part(index):
        extras = _threads_media(replace(post, media=files), tone)
    replies = THREADS_REPLIES.get(str(post.options.get("reply_control", "")))
    note = f"<div style='color:{tone.muted}; font-size:9pt'>{replies}</div>" if replies and last else ""
    icons = "&nbsp;&nbsp;&nbsp;&nbsp;".join(("♡", "◯", "⇄", "➤"))  # like, reply, repost, share
    actions = f"<div style='color:{tone.muted}; margin-top:4px'>{icons}</div>"
    return (
        "<table width='100%' cellspacing='0' cellpadding='4'><tr>"
        f"<td width='44' valign='top' style='{rail}'>{_avatar(post)}</td>"
        f"<td valign='top'>{header}<div style='margin-top:2px'>{_text(post.network, text, tone)}</div>"
        f"{extras}{actions}{note}</td></tr></table>"
    )


def _threads_media(post: PreviewPost, tone: Tone) -> str:
    """Threads shows a carousel as one row to swipe through: the first three, then how many more."""
    play = "<br><span style='color:#fff;background:#000'>▶ video</span>"
    cells = "".join(
        f"<td><img src='{m.url}'>{play if m.kind == 'video' else ''}</td>" for m in post.media[:3]
    )
    more = len(post.media) - 3
    swipe = f"<td valign='middle' style='color:{tone.muted}'>+{more} ›</td>" if more > 0 else ""
    return f"<table cellspacing='4' cellpadding='0' style='margin-top:6px'><tr>{cells}{swipe}</tr></table>"


def _avatar(post: PreviewPost) -> str:
    initial = html.escape((post.display_name or post.handle or "?")[:1].upper())
    colour = ACCENT[post.network]
    return (
        f"<table cellpadding='0' cellspacing='0'><tr><td width='36' height='36' align='center' "
        f"style='background:{colour}; color:white; font-weight:bold; font-size:14pt'>{initial}"
        "</td></tr></table>"
    )


def _handle(post: PreviewPost) -> str:
    if post.network is Network.MASTODON:
        return f"@{post.handle}"
    if post.network in (Network.BLUESKY, Network.X, Network.THREADS, Network.INSTAGRAM, Network.TIKTOK):
        return f"@{post.handle.split('@')[0]}"
    return post.handle


def _text(network: Network, text: str, tone: Tone) -> str:
    folded = False
    limit = FOLD_AT.get(network)
    if limit is not None and len(text) > limit:
        text, folded = text[:limit].rstrip(), True
    pieces, position = [], 0
    colour = tone.accent(network)
    for span in find_spans(text):
        pieces.append(html.escape(text[position : span.start]))
        shown = (
            _shown_link(network, span.value) if span.kind is SpanKind.LINK else text[span.start : span.end]
        )
        pieces.append(f"<span style='color:{colour}'>{html.escape(shown)}</span>")
        position = span.end
    pieces.append(html.escape(text[position:]))
    markup = "".join(pieces).replace("\n", "<br>")
    if folded:
        more = "… See more" if network is Network.FACEBOOK else "… more"
        markup += f"<span style='color:{tone.muted}'>{more}</span>"
    return markup


def _shown_link(network: Network, url: str) -> str:
    """Links as each network displays them (X and Mastodon like Bluesky: no scheme, cut)."""
    if network in (Network.BLUESKY, Network.X, Network.MASTODON, Network.THREADS):
        return shorten_link(url)
    return url


def _media(post: PreviewPost, tone: Tone) -> str:
    items = post.media[:4]
    play = "<br><span style='color:#fff;background:#000'>▶ video</span>"
    cells = [f"<td><img src='{m.url}'>{play if m.kind == 'video' else ''}</td>" for m in items]
    if len(cells) == 4:
        rows = f"<tr>{cells[0]}{cells[1]}</tr><tr>{cells[2]}{cells[3]}</tr>"
    else:
        rows = "<tr>" + "".join(cells) + "</tr>"
    more = f"<div style='color:{tone.muted}'>+{len(post.media) - 4} more</div>" if len(post.media) > 4 else ""
    return f"<table cellspacing='2' cellpadding='0' style='margin-top:6px'>{rows}</table>{more}"


def _card(post: PreviewPost, text: str, tone: Tone) -> str:
    links = [s.value for s in find_spans(text) if s.kind is SpanKind.LINK]
    if not links or post.network not in (
        Network.BLUESKY,
        Network.MASTODON,
        Network.X,
        Network.LINKEDIN,
        Network.FACEBOOK,
        Network.THREADS,
    ):
        return ""
    if post.network is Network.BLUESKY and post.options.get("link_card") is False:
        return ""
    host = urlsplit(links[0]).netloc.removeprefix("www.")
    return (
        f"<table width='100%' cellpadding='6' style='margin-top:6px; border:1px solid {tone.line}'><tr><td>"
        f"<span style='color:{tone.muted}'>{html.escape(host)}</span><br><b>Link preview</b><br>"
        f"<span style='color:{tone.muted}'>The page's title and image appear here.</span></td></tr></table>"
    )


INSTAGRAM_DOT = "#0095f6"  # the blue of the carousel dot in view


def _instagram(post: PreviewPost, tone: Tone) -> str:
    """Instagram as its feed shows a post: the name above, then the picture (cropped 4:5).

    A carousel has its dots under the picture, the caption is folded at FOLD_AT behind "… more",
    a Reel says so, and a story shows no caption at all (Instagram takes none).
    """
    kind = post.options.get("content_type") or "feed"
    handle = html.escape(_handle(post).lstrip("@"))
    label = {"reels": " · Reel", "story": " · Story"}.get(str(kind), "")
    header = (
        "<table cellspacing='0' cellpadding='4'><tr>"
        f"<td width='44' valign='middle'>{_avatar(post)}</td>"
        f"<td valign='middle'><b>{handle}</b><span style='color:{tone.muted}'>{label}</span></td>"
        "</tr></table>"
    )
    if post.media:
        first = post.media[0]
        play = "<br><span style='color:#fff;background:#000'>▶ video</span>" if first.kind == "video" else ""
        picture = f"<div style='margin-top:4px'><img src='{first.url}'>{play}</div>"
    else:
        picture = (
            f"<table width='100%' cellpadding='24' style='margin-top:4px; border:1px solid {tone.line}'>"
            f"<tr><td align='center' style='color:{tone.muted}'>Instagram posts need a picture or a video."
            "</td></tr></table>"
        )
    dots = ""
    if len(post.media) > 1 and kind == "feed":
        rest = f"<span style='color:{tone.line}'>{' ●' * (len(post.media) - 1)}</span>"
        dots = f"<div align='center'><span style='color:{INSTAGRAM_DOT}'>●</span>{rest}</div>"
    if kind == "story":
        caption = f"<span style='color:{tone.muted}'>Stories show no caption.</span>"
    else:
        caption = f"<b>{handle}</b> {_text(Network.INSTAGRAM, post.parts[0], tone)}"
    return f"{header}{picture}{dots}<div style='margin-top:6px'>{caption}</div>"


#: A transparent pixel, stretched to hold the caption at the bottom of TikTok's frame (Qt's rich
#: text ignores a cell's height, but not an image's).
_SPACER = (
    "data:image/png;base64,"
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAAC0lEQVR4nGNgAAIAAAUAAXpeqz8AAAAASUVORK5CYII="
)
_TIKTOK_LEVELS = {
    "PUBLIC_TO_EVERYONE": "Everyone",
    "MUTUAL_FOLLOW_FRIENDS": "Friends",
    "FOLLOWER_OF_CREATOR": "Followers",
    "SELF_ONLY": "Only you",
}


def _tiktok(post: PreviewPost, tone: Tone) -> str:
    """TikTok's 9:16 frame: the video (or first photo) behind the handle and the caption.

    Below it, who can watch, and the declaration TikTok's guidelines want before the creator
    publishes (with the Branded Content Policy when the post is branded content).
    """
    width, height = (180, 320) if len(post.media) > 1 else (202, 360)
    on_video = Tone(muted="#c8c8c8", line="#444444", ink="#ffffff", lighten=0.35)
    caption = _text(Network.TIKTOK, post.parts[0], on_video)
    lines = 1 + max(1, -(-len(post.parts[0][: FOLD_AT[Network.TIKTOK]]) // 26))
    spacer = max(8, height - 32 - 16 * lines)
    if post.media:
        background = f" style='background-image: url({post.media[0].url})'"
        badge = f"1/{len(post.media)}" if len(post.media) > 1 else ""
        top = f"<span style='color:#ffffff; background:#00000080'>{badge}</span>" if badge else ""
    else:
        background = ""
        top = "<span style='color:#c8c8c8'>A TikTok post is a video or photos: attach one.</span><br>"
        spacer = max(8, spacer - 32)
    frame = (
        f"<table cellspacing='0' cellpadding='8' bgcolor='#000000'{background}>"
        f"<tr><td width='{width - 16}' valign='top'>{top}"
        f"<img src='{_SPACER}' width='1' height='{spacer}'></td></tr>"
        f"<tr><td width='{width - 16}' style='color:#ffffff'><b>{html.escape(_handle(post))}</b>"
        f"<br>{caption}</td></tr></table>"
    )
    level = _TIKTOK_LEVELS.get(str(post.options.get("privacy_level")), "not chosen yet")
    policy = (
        "TikTok's Branded Content Policy and Music Usage Confirmation"
        if post.options.get("brand_content_toggle") is True
        else "TikTok's Music Usage Confirmation"
    )
    return (
        "<html><body style='font-family:sans-serif; font-size:10.5pt'>"
        f"{frame}<p style='color:{tone.muted}'>Who can watch: {html.escape(level)}<br>"
        f"By posting, you agree to {policy}.</p></body></html>"
    )


def _youtube(post: PreviewPost, tone: Tone) -> str:
    """A watch page: the thumbnail in the player, the title, the channel, the description box.

    The thumbnail is the attached image when there is one (Outpost sets it as the video's
    custom thumbnail), else the video's own frame.
    """
    images = [m for m in post.media if m.kind == "image"]
    videos = [m for m in post.media if m.kind == "video"]
    shown = next(iter(images or videos), None)
    if shown is None:
        player = (
            "<td height='150' align='center' style='background:#0f0f0f; color:#aaaaaa'>"
            "Attach a video: YouTube posts are videos</td>"
        )
    else:
        player = (
            f"<td align='center' style='background:#0f0f0f'><img src='{shown.url}'><br>"
            f"<span style='color:#ffffff'>▶</span></td>"
        )
    title = post.options.get("title")
    heading = (
        f"<span style='font-size:13pt; font-weight:bold'>{html.escape(title)}</span>"
        if isinstance(title, str) and title.strip()
        else f"<span style='color:{tone.muted}'>Add a title (YouTube needs one)</span>"
    )
    privacy = post.options.get("privacy_status")
    badge = (
        f" · <span style='color:{tone.muted}'>{html.escape(str(privacy).capitalize())}</span>"
        if privacy in ("unlisted", "private")
        else ""
    )
    text = post.parts[0] if post.parts else ""
    description = _text(Network.YOUTUBE, text, tone) if text.strip() else ""
    return (
        "<html><body style='font-family:sans-serif; font-size:10.5pt'>"
        f"<table width='100%' cellspacing='0' cellpadding='0'><tr>{player}</tr></table>"
        f"<div style='margin-top:6px'>{heading}</div>"
        "<table cellspacing='0' cellpadding='4' style='margin-top:4px'><tr>"
        f"<td width='44' valign='middle'>{_avatar(post)}</td>"
        f"<td valign='middle'><b>{html.escape(post.display_name)}</b><br>"
        f"<span style='color:{tone.muted}'>{html.escape(post.handle)}</span></td>"
        "<td valign='middle'>&nbsp;<span style='background:#0f0f0f; color:#ffffff'>&nbsp;Subscribe"
        "&nbsp;</span></td></tr></table>"
        f"<table width='100%' cellpadding='6' style='margin-top:4px; border:1px solid {tone.line}'><tr><td>"
        f"<b>0 views · now</b>{badge}<br>{description}</td></tr></table>"
        "</body></html>"
    )


def grid_cell_aspect(network: Network, count: int) -> float:
    """The width/height each image is cropped to in the network's feed grid."""
    if network is Network.INSTAGRAM:
        return 4 / 5  # one picture or a carousel: the feed's 4:5 frame (carousels take the first's shape)

    if network is Network.TIKTOK:
        return 9 / 16  # one full-screen frame, the video or the first photo
    if network is Network.YOUTUBE:
        return 16 / 9  # the player: a thumbnail fills it
    if count <= 1:
        return {Network.X: 16 / 9}.get(network, 0.0)  # 0: uncropped
    if count == 2:
        return 7 / 8 if network is Network.X else 1.0
    return 1.0 if network is not Network.X else 16 / 9

"""What each network accepts as media: one table per network, each value cited.

Sources are the contract notes in `../shared/platforms/` (which cite the vendors' docs, specs and
code): `x-bluesky-mastodon-threads.md` (X §1.4, Bluesky §2.2–2.3, Mastodon §3.3, Threads §4.3)
and `meta-linkedin-tiktok-youtube.md` (Instagram §2.4, Facebook §3.3, LinkedIn §4.5, TikTok §5.8,
YouTube §6.4, Pinterest §7.4). Values marked UNCONFIRMED there are kept conservative here.
Mastodon's limits are per server: its adapter overlays what `/api/v2/instance` announces.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from outpost.domain.enums import Network

MB = 1_000_000
MiB = 1 << 20


@dataclass(frozen=True)
class AspectRange:
    """Allowed width/height ratios, with the words people use for them."""

    low: float
    high: float
    label: str

    def contains(self, ratio: float) -> bool:
        """Whether `ratio` is allowed (with a little rounding slack)."""
        return self.low * 0.99 <= ratio <= self.high * 1.01


@dataclass(frozen=True)
class ImageRules:
    """Still images (and animated GIFs, with `animated=True`)."""

    types: frozenset[str]
    max_bytes: int | None = None
    max_pixels: int | None = None
    max_width: int | None = None
    max_height: int | None = None
    min_width: int | None = None
    aspect: AspectRange | None = None
    convert_to: str | None = "image/jpeg"  # what other image types become, if the network wants one


@dataclass(frozen=True)
class ShortForm:
    """Where a network files vertical or square videos up to a length as its short-form kind.

    YouTube has no API flag for Shorts: a video "vertical or square and ≤ 3 minutes" becomes one
    (notes §6.4). Outpost only says so (the composer shows it); nothing is changed.
    """

    name: str
    max_duration_s: float


@dataclass(frozen=True)
class VideoRules:
    """Videos (Outpost re-encodes what a re-encode fixes: `compatibility._video`)."""

    types: frozenset[str]
    max_bytes: int | None = None
    min_duration_s: float | None = None
    max_duration_s: float | None = None
    max_fps: float | None = None
    min_fps: float | None = None
    max_width: int | None = None
    max_height: int | None = None
    min_side: int | None = None
    aspect: AspectRange | None = None
    codecs: frozenset[str] | None = None
    short_form: ShortForm | None = None


@dataclass(frozen=True)
class MediaRules:
    """A network's media rules for one post.

    Attributes:
        max_items: attachments per post.
        image / gif / video / documents: None means the network does not take that kind.
        video_alone: a video cannot share a post with other attachments.
        source: where the values come from.
    """

    network: Network
    max_items: int
    image: ImageRules | None
    video: VideoRules | None
    gif: ImageRules | None = None
    documents: frozenset[str] = field(default_factory=frozenset)
    max_document_bytes: int | None = None
    video_alone: bool = True
    source: str = ""


_WEB_IMAGES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
_MP4_MOV = frozenset({"video/mp4", "video/quicktime"})
_H264_HEVC = frozenset({"h264", "hevc"})

# Instagram, from the IG User media reference (developers.facebook.com/documentation/instagram-platform/
# instagram-graph-api/reference/ig-user/media, fetched 2026-09-11): image, Reel and story specifications.
_INSTAGRAM_JPEG = ImageRules(
    frozenset({"image/jpeg"}),
    max_bytes=8 * MB,
    max_width=1440,
    min_width=320,
    aspect=AspectRange(4 / 5, 1.91, "4:5 to 1.91:1"),
)
_INSTAGRAM_REEL = VideoRules(
    _MP4_MOV,
    max_bytes=300 * MB,
    min_duration_s=3,
    max_duration_s=15 * 60,
    min_fps=23,
    max_fps=60,
    max_width=1920,
    aspect=AspectRange(0.01, 10, "1:100 to 10:1"),
    codecs=_H264_HEVC,
)

RULES: dict[Network, MediaRules] = {
    Network.X: MediaRules(
        Network.X,
        max_items=4,
        image=ImageRules(frozenset({"image/jpeg", "image/png", "image/webp"}), max_bytes=5 * MB),
        gif=ImageRules(
            frozenset({"image/gif"}), max_bytes=15 * MB, max_width=1280, max_height=1080, convert_to=None
        ),
        video=VideoRules(
            frozenset({"video/mp4"}),
            max_bytes=512 * MB,
            min_duration_s=0.5,
            max_duration_s=140,
            max_fps=60,
            max_width=1280,
            max_height=1024,
            min_side=32,
            aspect=AspectRange(1 / 3, 3, "1:3 to 3:1"),
            codecs=frozenset({"h264"}),
        ),
        source="platforms/x-bluesky-mastodon-threads.md §1.4 (X docs x-api/media)",
    ),
    Network.BLUESKY: MediaRules(
        Network.BLUESKY,
        max_items=4,
        image=ImageRules(frozenset({"image/jpeg", "image/png", "image/webp"}), max_bytes=1 * MB),
        gif=None,  # animated GIFs are shown as still images by the app; Outpost does not send them
        # One video per post, alone (`app.bsky.embed.video`: the embed is one union). The official
        # app's limits (bluesky-social/social-app src/lib/constants.ts: VIDEO_MAX_DURATION_MS 10
        # minutes, VIDEO_MAX_SIZE 300 MB in ISO megabytes, SUPPORTED_MIME_TYPES mp4/mpeg/webm/mov;
        # @bsky.app's post of 2026-08-25: "videos up to 10 minutes long ... maximum file size to
        # 300MB"; the lexicon: "May be up to 300mb, formerly limited to 100mb"). The video service
        # converts what it takes to MP4 itself, so no codec is ruled out here.
        video=VideoRules(
            frozenset({"video/mp4", "video/quicktime", "video/webm", "video/mpeg"}),
            max_bytes=300 * MB,
            max_duration_s=10 * 60,
        ),
        video_alone=True,
        source="platforms/x-bluesky-mastodon-threads.md §2.2–2.3 (app.bsky.embed.images; posts.md: 1 MB; "
        "app.bsky.embed.video; docs.bsky.app Uploading video)",
    ),
    Network.MASTODON: MediaRules(
        Network.MASTODON,
        max_items=4,
        image=ImageRules(
            frozenset({*_WEB_IMAGES, "image/heic", "image/avif"}),
            max_bytes=16 * MiB,
            max_pixels=33_177_600,
            convert_to=None,
        ),
        gif=ImageRules(frozenset({"image/gif"}), max_bytes=16 * MiB, convert_to=None),
        video=VideoRules(
            frozenset({"video/mp4", "video/webm", "video/quicktime"}), max_bytes=103_809_024, max_fps=120
        ),
        source="platforms/x-bluesky-mastodon-threads.md §3.3 (mastodon.social's /api/v2/instance)",
    ),
    Network.THREADS: MediaRules(
        Network.THREADS,
        # Carousels: "at least 2 and up to 20 total images or videos or a mix of the two" (Meta's
        # Threads API Postman collection, "Create a Carousel Container"; tirthpatell/threads-api).
        max_items=20,
        image=ImageRules(
            frozenset({"image/jpeg", "image/png"}),
            max_bytes=8 * MB,
            max_width=1440,
            min_width=320,
            aspect=AspectRange(1 / 10, 10, "1:10 to 10:1"),
        ),
        video=VideoRules(
            _MP4_MOV,
            max_bytes=1000 * MB,
            max_duration_s=300,
            min_fps=23,
            max_fps=60,
            max_width=1920,
            codecs=_H264_HEVC,
        ),
        video_alone=False,
        source="platforms/x-bluesky-mastodon-threads.md §4.3 (Threads media specifications)",
    ),
    # Feed posts and carousels: "JPEG is the only image format supported", 8 MB, 4:5–1.91:1, width
    # 320–1440 (scaled by Instagram); a feed video goes out as a Reel (Reel specs). Stories and Reels
    # have tables of their own below (INSTAGRAM_STORY, INSTAGRAM_REELS).
    Network.INSTAGRAM: MediaRules(
        Network.INSTAGRAM,
        max_items=10,
        image=_INSTAGRAM_JPEG,
        video=_INSTAGRAM_REEL,
        video_alone=False,
        source="platforms/meta-linkedin-tiktok-youtube.md §2.4 (Meta IG User media reference: image and "
        "Reel specifications; content-publishing limitations: JPEG only)",
    ),
    Network.FACEBOOK: MediaRules(
        Network.FACEBOOK,
        max_items=10,  # multi-photo count UNCONFIRMED (§3.3): kept at 10
        # Photo reference (Graph API, "Creating"): "Animated photos are not supported, and a photo
        # must be less than 10MB in size"; Outpost sends JPEG and PNG and converts the rest.
        image=ImageRules(frozenset({"image/jpeg", "image/png"}), max_bytes=10 * MB - 1),
        video=VideoRules(_MP4_MOV, max_bytes=10_000 * MB, max_duration_s=4 * 3600),
        source="platforms/meta-linkedin-tiktok-youtube.md §3.3; Graph API Photo reference (< 10 MB)",
    ),
    Network.LINKEDIN: MediaRules(
        Network.LINKEDIN,
        max_items=20,
        image=ImageRules(frozenset({"image/jpeg", "image/png"}), max_bytes=5 * MB, max_pixels=36_152_320),
        gif=ImageRules(frozenset({"image/gif"}), max_bytes=5 * MB, max_pixels=36_152_320, convert_to=None),
        video=VideoRules(
            frozenset({"video/mp4"}),
            max_bytes=500 * MB,
            min_duration_s=3,
            max_duration_s=30 * 60,
            aspect=AspectRange(1 / 2.4, 2.4, "1:2.4 to 2.4:1"),
        ),
        documents=frozenset({"application/pdf"}),
        max_document_bytes=100 * MB,
        source="platforms/meta-linkedin-tiktok-youtube.md §4.5 (Postiz; LinkedIn help via fairpost)",
    ),
    Network.TIKTOK: MediaRules(
        Network.TIKTOK,
        max_items=35,  # photo carousel size UNCONFIRMED
        # "1080p" at most: 1080 x 1920 portrait as well as 1920 x 1080 landscape (Ayrshare's TikTok
        # guidelines name both), so the limit is on pixels, not on the height alone.
        image=ImageRules(frozenset({"image/jpeg", "image/webp"}), max_bytes=20 * MB, max_pixels=1920 * 1080),
        video=VideoRules(
            frozenset({"video/mp4", "video/webm", "video/quicktime"}),
            max_bytes=4000 * MB,
            max_duration_s=10 * 60,
            min_fps=23,
            max_fps=60,
            min_side=360,
            max_width=4096,
            max_height=4096,
            codecs=frozenset({"h264", "hevc", "vp8", "vp9"}),
        ),
        source="platforms/meta-linkedin-tiktok-youtube.md §5.8 (TikTok media-transfer guide via fairpost)",
    ),
    Network.YOUTUBE: MediaRules(
        Network.YOUTUBE,
        # One video, and optionally one image: the video's custom thumbnail (thumbnails.set takes
        # JPEG or PNG up to 2 MB; other images are converted and re-encoded to fit).
        max_items=2,
        image=ImageRules(frozenset({"image/jpeg", "image/png"}), max_bytes=2 * MB),
        video=VideoRules(
            frozenset({"video/mp4", "video/quicktime", "video/webm", "video/x-matroska", "video/x-msvideo"}),
            max_bytes=256_000 * MB,  # "256 GB or 12 hours, whichever is less"
            max_duration_s=12 * 3600,
            short_form=ShortForm("YouTube Short", 180),
        ),
        video_alone=False,
        source="platforms/meta-linkedin-tiktok-youtube.md §6.4 (videos.insert, thumbnails.set, Shorts)",
    ),
    Network.PINTEREST: MediaRules(
        Network.PINTEREST,
        # One image or one video per Pin: Pinterest simplified organic Pins to those two formats
        # (developers.pinterest.com blog, "Pin Creation Update: A simplified format"); no carousels.
        max_items=1,
        # `image_base64` takes exactly these two content types (ContentType in Pinterest's OpenAPI
        # description 5.23); 20 MB is Ayrshare's figure (UNCONFIRMED officially).
        image=ImageRules(frozenset({"image/jpeg", "image/png"}), max_bytes=20 * MB),
        # MP4/MOV, 4 s to 15 minutes, at most 2 GB (Ayrshare's and getlate's media guidelines;
        # UNCONFIRMED officially).
        video=VideoRules(_MP4_MOV, max_bytes=2000 * MB, min_duration_s=4, max_duration_s=15 * 60),
        source="platforms/meta-linkedin-tiktok-youtube.md §7.4; pinterest/api-description 5.23",
    ),
}


#: An Instagram story: one JPEG picture (any shape; 9:16 shows whole) or one video of 3–60 s.
INSTAGRAM_STORY = MediaRules(
    Network.INSTAGRAM,
    max_items=1,
    image=ImageRules(frozenset({"image/jpeg"}), max_bytes=8 * MB, max_width=1440),
    video=VideoRules(
        _MP4_MOV,
        max_bytes=100 * MB,
        min_duration_s=3,
        max_duration_s=60,
        min_fps=23,
        max_fps=60,
        max_width=1920,
        aspect=AspectRange(0.1, 10, "1:10 to 10:1"),
        codecs=_H264_HEVC,
    ),
    video_alone=False,
    source="platforms/meta-linkedin-tiktok-youtube.md §2.4 (Meta IG User media reference: story specs)",
)

#: An Instagram Reel: one video, and optionally one JPEG picture as its cover (`cover_url`).
INSTAGRAM_REELS = MediaRules(
    Network.INSTAGRAM,
    max_items=2,
    image=ImageRules(frozenset({"image/jpeg"}), max_bytes=8 * MB),
    video=_INSTAGRAM_REEL,
    video_alone=False,
    source="platforms/meta-linkedin-tiktok-youtube.md §2.4 (Meta IG User media reference: Reel specs)",
)

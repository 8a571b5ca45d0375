"""OAuth per network: endpoints, scopes, PKCE flavour and redirect kind, in one table.

Values come from the contract notes: `../shared/platforms/x-bluesky-mastodon-threads.md` (X §1.2,
Threads §4.1) and `../shared/platforms/meta-linkedin-tiktok-youtube.md` (Instagram §2.1,
Facebook §3.1, LinkedIn §4.1, TikTok §5.1, YouTube §6.1, Pinterest §7.1). Mastodon registers its
app per instance (adapters/mastodon.py) and Bluesky uses app passwords, so neither is here.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import parse_qs, urlencode, urlsplit

from outpost.auth.oauth import AuthorizationError, Pkce
from outpost.domain.accounts import DEFAULT_REDIRECT_PORT
from outpost.domain.enums import Network


class Redirect(StrEnum):
    """Where the network may send the browser back to."""

    LOOPBACK_FIXED_PORT = "loopback_fixed_port"  # http://127.0.0.1:PORT/callback, registered exactly
    HTTPS_PASTE = "https_paste"  # an https URL the person registered; they paste the address back


@dataclass(frozen=True)
class OAuthProvider:
    """How one network does OAuth 2.0 authorization code.

    Attributes:
        pkce: "S256", "S256_HEX" (TikTok's variant) or None.
        pkce_optional: PKCE is off unless the network enabled it for the person's app.
        client_id_param: the name the network gives the client id ("client_key" on TikTok).
        scope_separator: " " or "," as the network wants them joined.
        api_url: the network's API origin; endpoints on it follow `OUTPOST_API_URL_<NETWORK>`,
            the others `OUTPOST_AUTH_URL_<NETWORK>` (INTERFACE.md, Environment).
        extra: further authorize parameters (Google: offline access, so a refresh token comes).
        token_extra: further form fields of every token request (Pinterest: continuous refresh).
        setup: the steps to create the developer app, shown in the app and by `accounts connect`.
    """

    network: Network
    authorize_url: str
    token_url: str
    scopes: tuple[str, ...]
    redirect: Redirect
    revoke_url: str | None = None
    api_url: str | None = None
    pkce: str | None = "S256"
    pkce_optional: bool = False  # the network enables PKCE per app on request (LinkedIn)
    client_secret_required: bool = True
    client_id_param: str = "client_id"
    scope_separator: str = " "
    extra: dict[str, str] = field(default_factory=dict)
    token_extra: dict[str, str] = field(default_factory=dict)
    setup: tuple[str, ...] = ()

    def with_scopes(self, scopes: tuple[str, ...]) -> OAuthProvider:
        """The same provider asking for `scopes` (e.g. LinkedIn page scopes for an organization)."""
        return dataclasses.replace(self, scopes=scopes)


DEFAULT_PORT = DEFAULT_REDIRECT_PORT  # one number for every layer (the domain keeps it)
LOOPBACK = f"http://127.0.0.1:{DEFAULT_PORT}/callback"


def pasted_redirect_uri(port: int = DEFAULT_PORT) -> str:
    """The https redirect of networks that take no loopback address (`Redirect.HTTPS_PASTE`).

    The browser is sent there with the code; nothing listens (it is https, and Outpost speaks
    none), so the person copies the address from the address bar and pastes it into Outpost.
    The port is the developer app's redirect port, so one app setting serves both kinds.
    """
    return f"https://localhost:{port}/callback"


PASTED_REDIRECT = pasted_redirect_uri()

PROVIDERS: dict[Network, OAuthProvider] = {
    Network.X: OAuthProvider(
        Network.X,
        authorize_url="https://x.com/i/oauth2/authorize",
        token_url="https://api.x.com/2/oauth2/token",
        revoke_url="https://api.x.com/2/oauth2/revoke",
        api_url="https://api.x.com",
        scopes=("tweet.read", "tweet.write", "users.read", "media.write", "offline.access"),
        redirect=Redirect.LOOPBACK_FIXED_PORT,
        client_secret_required=False,  # "Native App" is a public client
        setup=(
            "Open the X developer portal and create a Project with an App "
            "(your app pays per post on X's current pricing).",
            "User authentication settings → App permissions: Read and write; Type of App: Native App.",
            f"Callback URI / Redirect URL: {LOOPBACK} (exactly; X does not accept localhost).",
            "Copy the OAuth 2.0 Client ID into Outpost.",
        ),
    ),
    Network.LINKEDIN: OAuthProvider(
        Network.LINKEDIN,
        authorize_url="https://www.linkedin.com/oauth/v2/authorization",
        token_url="https://www.linkedin.com/oauth/v2/accessToken",
        revoke_url="https://www.linkedin.com/oauth/v2/revoke",
        api_url="https://api.linkedin.com",
        scopes=("openid", "profile", "w_member_social"),
        redirect=Redirect.LOOPBACK_FIXED_PORT,
        pkce=None,  # PKCE only where LinkedIn enabled it for the app
        pkce_optional=True,
        setup=(
            "Create an app at the LinkedIn developer portal (it must be tied to a Company Page).",
            "Products: add “Share on LinkedIn” and “Sign In with LinkedIn using OpenID Connect”.",
            f"Auth → Authorized redirect URLs: {LOOPBACK}",
            "Copy the Client ID and Client Secret into Outpost.",
        ),
    ),
    Network.YOUTUBE: OAuthProvider(
        Network.YOUTUBE,
        # Installed-app flow (developers.google.com/identity/protocols/oauth2/native-app): the
        # browser, a loopback redirect, PKCE S256; `access_type=offline` for a refresh token and
        # `prompt=consent` so Google sends one again on a reconnect.
        authorize_url="https://accounts.google.com/o/oauth2/v2/auth",
        token_url="https://oauth2.googleapis.com/token",
        revoke_url="https://oauth2.googleapis.com/revoke",
        api_url="https://www.googleapis.com",
        scopes=(
            "https://www.googleapis.com/auth/youtube.upload",  # videos.insert, thumbnails.set
            "https://www.googleapis.com/auth/youtube.readonly",  # channels, uploads, a video's status
            "https://www.googleapis.com/auth/youtube.force-ssl",  # videos.update/delete (publishAt)
        ),
        redirect=Redirect.LOOPBACK_FIXED_PORT,
        extra={"access_type": "offline", "prompt": "consent"},
        setup=(
            "In the Google Cloud console, create a project and enable the YouTube Data API v3.",
            "Google Auth Platform → Audience: External, and add your Google account as a test user "
            "(while the app is in Testing, Google ends sign-ins after 7 days).",
            "Data access: add the scopes youtube.upload, youtube.readonly and youtube.force-ssl.",
            "Clients → Create client → Desktop app (no redirect URI to register: Google accepts "
            "any 127.0.0.1 port for desktop clients).",
            "Copy the Client ID and Client secret into Outpost.",
        ),
    ),
    Network.TIKTOK: OAuthProvider(
        Network.TIKTOK,
        authorize_url="https://www.tiktok.com/v2/auth/authorize/",
        token_url="https://open.tiktokapis.com/v2/oauth/token/",
        revoke_url="https://open.tiktokapis.com/v2/oauth/revoke/",
        api_url="https://open.tiktokapis.com",  # the token endpoints live there too
        # Direct Post needs video.publish; user.info.basic names the account. No video.upload:
        # Outpost publishes, it does not leave drafts in the TikTok inbox. video.list and
        # user.info.stats read the posts' numbers and the follower count (issue #21).
        scopes=("user.info.basic", "video.publish", "video.list", "user.info.stats"),
        redirect=Redirect.LOOPBACK_FIXED_PORT,
        pkce="S256_HEX",
        client_id_param="client_key",
        scope_separator=",",
        setup=(
            "Create an app in TikTok for Developers (Desktop platform); add Login Kit and the "
            "Content Posting API with Direct Post turned on.",
            f"Login Kit → Redirect URI: {LOOPBACK}",
            "Scopes: user.info.basic and video.publish (to publish), video.list and user.info.stats "
            "(for your posts' numbers in Stats).",
            "Until TikTok audits the app, posts can only be private (SELF_ONLY), from accounts set "
            "to private, for at most 5 creators a day.",
            "Copy the Client key and Client secret into Outpost.",
        ),
    ),
    Network.PINTEREST: OAuthProvider(
        Network.PINTEREST,
        authorize_url="https://www.pinterest.com/oauth/",
        token_url="https://api.pinterest.com/v5/oauth/token",
        api_url="https://api.pinterest.com",
        # What creating a Pin, registering and reading a video upload, listing boards and reading
        # the profile need (the `security` of pins/create, media/create, media/get, boards/list
        # and user_account/get in Pinterest's OpenAPI description, pinterest/api-description 5.23).
        scopes=("boards:read", "boards:write", "pins:read", "pins:write", "user_accounts:read"),
        redirect=Redirect.LOOPBACK_FIXED_PORT,
        pkce=None,
        scope_separator=",",
        # Apps made before 2025-09-25 get a refresh token that dies after a year unless they ask
        # for the continuous one (60 days, renewed with every refresh): oauth/token in the same
        # OpenAPI description. Newer apps get it anyway; asking costs nothing.
        token_extra={"continuous_refresh": "true"},
        setup=(
            "With a Pinterest business account, create an app at developers.pinterest.com/apps "
            "(“Connect app”); Pinterest reviews it for Trial access.",
            f"Redirect URIs: add {LOOPBACK} (Pinterest takes plain-http loopback addresses).",
            "Trial access only creates Pins visible to you, on Pinterest's sandbox API; "
            "ask for Standard access (“Upgrade”) to publish for real.",
            "Copy the App id and App secret key into Outpost.",
        ),
    ),
    Network.THREADS: OAuthProvider(
        Network.THREADS,
        # developers.facebook.com/documentation/threads/get-started/get-access-tokens-and-permissions
        # (updated 2026-08-12): the Authorization Window on threads.com, the code exchange on the
        # API host (so OUTPOST_API_URL_THREADS moves it along with the API).
        authorize_url="https://threads.com/oauth/authorize",
        token_url="https://graph.threads.net/oauth/access_token",
        api_url="https://graph.threads.net",
        # basic: every call; content_publish: posting and the publishing quota; read_replies:
        # finding a thread's replies again when the answer to publishing one was lost;
        # manage_insights: the numbers of posts and the follower count (…/threads/insights).
        scopes=(
            "threads_basic",
            "threads_content_publish",
            "threads_read_replies",
            "threads_manage_insights",
            "threads_delete",  # deleting a published post (issue #24; …/threads/posts/delete-posts)
        ),
        redirect=Redirect.HTTPS_PASTE,  # Threads refuses http://127.0.0.1 redirects
        pkce=None,
        scope_separator=",",
        setup=(
            "At developers.facebook.com/apps create an app and choose the “Access the Threads API” use case.",
            "Use case → Customize → Permissions: add threads_basic, threads_content_publish, "
            "threads_read_replies, threads_manage_insights and threads_delete.",
            "Use case → Settings: enter an https address you control as the Redirect Callback URL (any "
            "page: it only has to exist); Outpost needs the same address.",
            "App roles → Roles: add your Threads profile as a Threads Tester, and accept the invitation "
            "in Threads (Settings → Account → Website permissions → Invites).",
            "Copy the Threads app ID and Threads app secret (not the Meta app's own pair) into Outpost.",
        ),
    ),
    # Business Login for Instagram (developers.facebook.com/documentation/instagram-platform/
    # instagram-api-with-instagram-login/business-login, updated 2026-03-13; oauth-authorize
    # reference: api.instagram.com, which also takes the code exchange, so both follow
    # OUTPOST_AUTH_URL_INSTAGRAM). Meta takes https redirects only: the browser is sent to
    # https://localhost:PORT/callback, where nothing answers, and the person pastes that address.
    Network.INSTAGRAM: OAuthProvider(
        Network.INSTAGRAM,
        authorize_url="https://api.instagram.com/oauth/authorize",
        token_url="https://api.instagram.com/oauth/access_token",
        api_url="https://graph.instagram.com",
        scopes=(
            "instagram_business_basic",
            "instagram_business_content_publish",
            "instagram_business_manage_comments",  # the first comment under a post
            "instagram_business_manage_insights",  # the numbers of posts (instagram-platform/insights)
        ),
        redirect=Redirect.HTTPS_PASTE,
        pkce=None,
        scope_separator=",",
        extra={"enable_fb_login": "0"},
        setup=(
            "At developers.facebook.com create an app (type Business) and add the Instagram use case, "
            "“API setup with Instagram login”; the Instagram account must be a professional one "
            "(Business or Creator).",
            "Add your Instagram account under Roles → Instagram testers and accept the invitation in "
            "Instagram (Settings → Website permissions → Apps and websites → Tester invites).",
            f"Business login settings → OAuth redirect URIs: {PASTED_REDIRECT} (nothing answers there: "
            "after you allow Outpost, copy the address your browser shows and paste it into Outpost).",
            "Copy the Instagram app ID and Instagram app secret (not the Meta app's) into Outpost.",
        ),
    ),
    Network.FACEBOOK: OAuthProvider(
        Network.FACEBOOK,
        # The version matches adapters/facebook_graph.py GRAPH_VERSION (Meta's Login dialog and token
        # endpoint are versioned like the rest of the Graph API).
        authorize_url="https://www.facebook.com/v25.0/dialog/oauth",
        token_url="https://graph.facebook.com/v25.0/oauth/access_token",
        api_url="https://graph.facebook.com",
        # read_insights: the numbers of posts (Page Insights); pages_manage_engagement: the first
        # comment, written as the Page (…/pages-api/posts: comments need it).
        scopes=(
            "pages_show_list",
            "pages_read_engagement",
            "pages_manage_posts",
            "read_insights",
            "pages_manage_engagement",
        ),
        # Facebook Login takes http://localhost redirects while the app is in development mode
        # ("automatically allowed while in development mode only", Facebook Login → Settings), which
        # a creator's own app stays in: the adapter listens on 127.0.0.1 and names it `localhost`.
        redirect=Redirect.LOOPBACK_FIXED_PORT,
        pkce=None,
        scope_separator=",",
        setup=(
            "At developers.facebook.com create an app (use case: “Manage everything on your Page”, or "
            "type Business with Facebook Login for Business); leave it in development mode.",
            "Add the permissions pages_show_list, pages_read_engagement, pages_manage_posts, "
            "read_insights and pages_manage_engagement (you have a role on your own app, so no App "
            "Review is needed).",
            f"Nothing to register for the redirect: Outpost signs in through "
            f"http://localhost:{DEFAULT_PORT}/callback, which Facebook allows in development mode.",
            "Copy the App ID and App secret (App settings → Basic) into Outpost.",
        ),
    ),
}


def authorize_url(
    provider: OAuthProvider, client_id: str, redirect_uri: str, state: str, pkce: Pkce | None
) -> str:
    """The address to open in the browser for `provider`."""
    query = {
        provider.client_id_param: client_id,
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "scope": provider.scope_separator.join(provider.scopes),
        "state": state,
        **provider.extra,
    }
    if pkce is not None:
        query |= {"code_challenge": pkce.challenge, "code_challenge_method": "S256"}
    return f"{provider.authorize_url}?{urlencode(query)}"


def new_pkce(provider: OAuthProvider) -> Pkce | None:
    """The PKCE pair `provider` wants, if any."""
    if provider.pkce == "S256_HEX":
        return Pkce.s256_hex()
    return Pkce.s256() if provider.pkce == "S256" else None


def code_from_pasted_url(pasted: str, state: str) -> str:
    """The authorization code in the address a person copied from the browser (HTTPS redirects).

    Raises:
        AuthorizationError: not an address with a code, a different sign-in (state), or refused.
    """
    query = {k: v[0] for k, v in parse_qs(urlsplit(pasted.strip()).query).items()}
    if not query:
        raise AuthorizationError("That is not the address the browser ended on; copy the whole address bar.")
    if query.get("state") != state:
        raise AuthorizationError(
            "Sign-in refused: that address belongs to a different sign-in (state mismatch)."
        )
    if "error" in query:
        raise AuthorizationError(
            f"Sign-in was not completed: {query.get('error_description') or query['error']}."
        )
    code = query.get("code", "").split("#")[0]
    if not code:
        raise AuthorizationError(
            "The address has no authorization code; sign in again and copy the final address."
        )
    return code

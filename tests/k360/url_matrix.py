"""The expected answer to a GET of every route (tests/urlconf.py) for each role of the security
sweep (tests/k360/url_world.py says who the roles are and which objects the URLs point at).

A row is keyed by the route's name (or its pattern, when it has none). Routes may share a RULE
(every admin page alike), and an explicit row overrides a rule. test_url_permissions.py fails
for a route without a row and for a row without a route."""

from dataclasses import dataclass

from tests.permissions import LOGIN

from .url_world import ROLES

ADMIN_LOGIN = "admin-login"  # a redirect to the admin's login page


@dataclass(frozen=True)
class To:
    """A redirect to a route (by key: its URL in the world), or to a path; "{url}" stands for
    the requested URL."""

    target: str


def ALL(expected) -> dict:  # reads as a constant in the rows
    return dict.fromkeys(ROLES, expected)


PUBLIC = ALL(200)
MEMBERS = {**PUBLIC, "anonymous": LOGIN}  # any logged-in member
POST_ONLY = ALL(405)  # a GET is refused before anything is looked up
MEMBERS_POST_ONLY = {**POST_ONLY, "anonymous": LOGIN}  # login first, then 405
ROUND = {**ALL(404), "anonymous": LOGIN, "member": 200, "staff": 200}  # Jena's round
ORGANISERS = {**ALL(403), "anonymous": LOGIN, "organiser": 200, "staff": 200}
LOGGED_IN_AWAY = {**ALL(To("home")), "anonymous": 200}  # login and signup pages
REAUTHENTICATE = {**ALL(To("account_reauthenticate")), "anonymous": LOGIN}
ADMIN = {**ALL(ADMIN_LOGIN), "staff": 200}
ADMIN_REFUSED = {**ALL(ADMIN_LOGIN), "staff": 403}  # the admin offers no add or delete here

ROWS = {
    # k360: the home page, static pages, health, search, sitemap: public.
    "home": PUBLIC,
    "healthz": PUBLIC,
    "impressum": PUBLIC,
    "datenschutz": PUBLIC,
    "barrierefreiheit": PUBLIC,
    "search": PUBLIC,
    "django.contrib.sitemaps.views.sitemap": PUBLIC,
    # Accounts (allauth, two of its views wrapped in network.views).
    "account_login": LOGGED_IN_AWAY,
    "account_signup": LOGGED_IN_AWAY,
    "account_confirm_email": ALL(404),  # a wrong key
    "account_logout": {**PUBLIC, "anonymous": To("home")},  # GET asks, POST logs out
    "account_inactive": PUBLIC,
    "account_reauthenticate": MEMBERS,
    "account_email": MEMBERS,
    "account_email_verification_sent": PUBLIC,
    "account_change_password": MEMBERS,
    "account_set_password": {**ALL(To("account_change_password")), "anonymous": LOGIN},
    "account_reset_password": PUBLIC,
    "account_reset_password_done": PUBLIC,
    "account_reset_password_from_key": PUBLIC,  # a wrong key: the page says so
    "account_reset_password_from_key_done": PUBLIC,
    "account_confirm_login_code": {**ALL(To("home")), "anonymous": LOGIN},
    # Reauthentication by emailed code is off (settings): password or TOTP only.
    "account_request_reauthentication_code": {**ALL(403), "anonymous": LOGIN},
    "account_confirm_reauthentication_code": {**ALL(403), "anonymous": LOGIN},
    "mfa_index": MEMBERS,
    "mfa_authenticate": {**ALL(To("home")), "anonymous": LOGIN},
    "mfa_reauthenticate": {**REAUTHENTICATE, "staff": 200},  # staff has recovery codes
    "mfa_activate_totp": REAUTHENTICATE,
    "mfa_deactivate_totp": {**ALL(404), "anonymous": LOGIN},  # nobody has TOTP
    "mfa_generate_recovery_codes": REAUTHENTICATE,
    "mfa_view_recovery_codes": {
        **ALL(404),
        "anonymous": LOGIN,
        "staff": To("account_reauthenticate"),
    },
    "mfa_download_recovery_codes": {
        **ALL(404),
        "anonymous": LOGIN,
        "staff": To("account_reauthenticate"),
    },
    "usersessions_list": MEMBERS,
    # The member's own pages.
    "profile": MEMBERS,
    "my-data": MEMBERS,
    "account-delete": MEMBERS,  # GET asks, POST deletes
    # Network: the member's profile is for members; nobody writes to themselves.
    "network:index": PUBLIC,
    "network:municipality-detail": PUBLIC,
    "network:member-list": MEMBERS,
    "network:member-detail": MEMBERS,
    "network:member-contact": {**MEMBERS, "member": 403},
    "network:application": PUBLIC,
    "network:application-done": PUBLIC,
    "network:invitation": PUBLIC,  # the signed link is the key
    # Blog: the draft's preview is the editors' (here: staff); the Markdown preview is POST.
    "blog:post-list": PUBLIC,
    "blog:post-detail": PUBLIC,
    "blog:feed": PUBLIC,
    "blog:feed-atom": PUBLIC,
    "blog:category-feed": PUBLIC,
    "blog:category-feed-atom": PUBLIC,
    "blog:post-preview": {**ALL(404), "staff": 200},
    "blog:markdown-preview": POST_ONLY,
    # Events: the public barcamp; its participants are the organisers' business.
    "events:event-list": PUBLIC,
    "events:calendar": PUBLIC,
    "events:event-detail": PUBLIC,
    "events:event-ics": PUBLIC,
    "events:register": POST_ONLY,
    "events:unregister": POST_ONLY,
    "events:participants": ORGANISERS,
    "events:participants-csv": ORGANISERS,
    "events:participants-checkin": ORGANISERS,
    "events:participants-message": ORGANISERS,  # GET shows the form
    "events:session-board": PUBLIC,
    # Sessions are proposed by participants (the member is registered) and organisers.
    "events:session-propose": {**MEMBERS, "other": 403, "moderator": 403},
    "events:session-grid": ORGANISERS,
    "events:session-vote": POST_ONLY,
    "events:session-notes": {**ORGANISERS, "member": 200},  # the member proposed the session
    "events:report-detail": PUBLIC,
    # The guest's emailed links: the token is the key; GET asks, POST acts.
    "events:registration-manage": PUBLIC,
    "events:registration-confirm": ALL(To("events:registration-manage")),  # confirmed already
    # Selbstcheck: Jena's round is Jena's (and staff's); another municipality gets a 404.
    "selfcheck:index": PUBLIC,  # lists only the rounds one may see (test_url_permissions)
    "selfcheck:round-create": {**ALL(403), "anonymous": LOGIN, "member": 200, "other": 200},
    "selfcheck:round-detail": ROUND,
    "selfcheck:round-invite": MEMBERS_POST_ONLY,
    "selfcheck:round-remind": MEMBERS_POST_ONLY,
    "selfcheck:round-close": ROUND,  # GET asks, POST closes
    "selfcheck:answer-start": {
        **ROUND,
        "member": To("selfcheck:answer-section"),
        "staff": 403,  # staff sees the round but does not answer
    },
    "selfcheck:answer-section": {**ROUND, "staff": 403},
    "selfcheck:answer-save": MEMBERS_POST_ONLY,
    "selfcheck:evaluation": ROUND,
    "selfcheck:evaluation-pdf": ROUND,
    "selfcheck:answers-csv": ROUND,  # the member coordinates the round
    "selfcheck:invitation": MEMBERS,  # the emailed link is the key: whoever holds it may join
    # Forums: the thesis is public; the forum is private (its members and the moderation).
    "forums:thesis-list": PUBLIC,
    "forums:thesis-detail": PUBLIC,
    "forums:forum-list": PUBLIC,
    "forums:forum-detail": {**ALL(404), "member": 200, "moderator": 200, "staff": 200},
    "forums:topic-detail": {**ALL(404), "member": 200, "moderator": 200, "staff": 200},
    "forums:topic-moderate": MEMBERS_POST_ONLY,
    "forums:comment-create": MEMBERS_POST_ONLY,
    "forums:subscription-toggle": MEMBERS_POST_ONLY,
    "forums:comment-permalink": ALL(To("forums:thesis-detail")),
    "forums:comment-reply": MEMBERS,
    "forums:comment-edit": {**ALL(403), "anonymous": LOGIN, "member": 200},  # the author
    "forums:comment-delete": {**ALL(403), "anonymous": LOGIN, "member": 200},
    "forums:comment-flag": MEMBERS,
    "forums:moderation": {**ALL(403), "anonymous": LOGIN, "moderator": 200, "staff": 200},
    "forums:moderation-action": MEMBERS_POST_ONLY,
    # Newsletters: public pages; the personal pages open with their signed link alone.
    "newsletters:subscribe": PUBLIC,
    "newsletters:subscribe-done": PUBLIC,
    "newsletters:confirm": PUBLIC,
    "newsletters:resend": PUBLIC,
    "newsletters:manage": PUBLIC,
    "newsletters:one-click": ALL(To("newsletters:manage")),  # a browser: to the page
    "newsletters:member-subscribe": POST_ONLY,
    "newsletters:archive": PUBLIC,
    "newsletters:archive-detail": PUBLIC,
    # The admin's own pages, beyond the rule below.
    "admin:login": {**ALL(403), "anonymous": LOGIN, "staff": To("admin:index")},
    "admin:logout": {**ALL(To("admin:index")), "staff": 405},  # logging out is a POST
    "admin:autocomplete": {**ALL(ADMIN_LOGIN), "staff": 403},  # without its parameters
    "admin:view_on_site": {**ALL(ADMIN_LOGIN), "staff": To("forums:thesis-detail")},
    "admin/(?P<url>.*)$": {**ALL(ADMIN_LOGIN), "staff": 404},  # the catch-all
    # What the admin does not offer: rows are made elsewhere, or never deleted.
    "admin:k360_outgoingemail_add": ADMIN_REFUSED,
    "admin:network_membershipapplication_add": ADMIN_REFUSED,
    "admin:forums_comment_add": ADMIN_REFUSED,
    "admin:events_registration_add": ADMIN_REFUSED,
    "admin:selfcheck_questionnaire_delete": ADMIN_REFUSED,
    "admin:selfcheck_section_delete": ADMIN_REFUSED,
    "admin:selfcheck_round_add": ADMIN_REFUSED,
    "admin:newsletters_newsletter_delete": ADMIN_REFUSED,
    "admin:newsletters_subscriber_add": ADMIN_REFUSED,
    "admin:newsletters_subscriber_delete": ADMIN_REFUSED,
    "admin:newsletters_delivery_add": ADMIN_REFUSED,
    "admin:newsletters_delivery_delete": ADMIN_REFUSED,
}


@dataclass(frozen=True)
class Rule:
    """Rows shared by the routes a rule matches."""

    description: str
    matches: object  # (key) -> bool
    expected: dict


RULES = [
    Rule(
        "every admin page: staff in, everybody else to the admin's login",
        lambda key: key.startswith("admin:"),
        ADMIN,
    ),
    Rule(
        "admin/<app>/<model>/<id>/ (unnamed): staff to the change page",
        lambda key: key.startswith("admin/") and key.endswith("/<path:object_id>/"),
        {**ALL(ADMIN_LOGIN), "staff": To("{url}change/")},
    ),
]


def expected_row(key: str) -> dict | None:
    """The route's row: its own, else the first rule's that matches; None without either."""
    if key in ROWS:
        return ROWS[key]
    for rule in RULES:
        if rule.matches(key):
            return rule.expected
    return None

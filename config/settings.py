"""Settings for 机关党建.

Everything that differs between the embedded set-up (`make run`: SQLite and a
filesystem broker) and production (PostgreSQL and Redis) is read from the
environment. Malformed values stop start-up instead of being guessed at.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
# The embedded set-up keeps its database, cache, broker queue and uploads here.
(VAR_DIR / "staticfiles").mkdir(parents=True, exist_ok=True)

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}


def env_flag(name: str, default: bool) -> bool:
    """A yes/no setting. Anything but a clear yes or no stops start-up (a typo must not mean "off")."""
    raw = env.str(name, default=str(default)).strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(f"环境变量 {name} 的值 {raw!r} 无法识别，请使用 true 或 false。")


DEBUG = env_flag("DEBUG", default=False)
# The production profile is chosen explicitly so a missing variable never
# silently downgrades security.
PRODUCTION = env_flag("PRODUCTION", default=False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("生产环境不能开启 DEBUG。")

if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY")
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured("SECRET_KEY 必须至少 50 个字符且足够随机。")
else:
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-" + "x" * 40)

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_celery_beat",
    "simple_history",
    "django_htmx",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "core",
    "accounts",
    "audit",
    "rules",
    "branches",
    "members",
    "activities",
    "oversight",
    "community",
    "honours",
    "notifications",
    "reports",
    "api",
    "exchange",
    "dues",
    "appraisals",
    "development",
    "yearly",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "accounts.middleware.CachedUserAuthenticationMiddleware",
    "accounts.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "branches.middleware.RequireAdminMFAMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "branches.context_processors.roles",
                "notifications.context_processors.unread",
                "config.menu.menu",
            ],
        },
    },
]

# Django's form renderer with inputs, selects and textareas written in Python (the same markup, none of the
# template includes per widget and per option).
FORM_RENDERER = "core.forms.WidgetsWrittenInPython"

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
# A request that may write runs in one transaction; a page that only reads (GET, HEAD, OPTIONS) opens none:
# config/urls.py wraps every view with core.http.atomic_unless_safe.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the Celery worker share the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        # IMMEDIATE: a transaction takes the write lock when it begins, so one that reads then writes waits
        # for the other process instead of failing with "database is locked" half-way.
        {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "timeout": 20,
         "transaction_mode": "IMMEDIATE"}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # No parallel workers for the application's queries: at province scale PostgreSQL planned a parallel sort for
    # lists that read a few hundred rows, and starting the worker cost 3 ms of a 0.3 ms query (the API's
    # activities: 26 ms of SQL); pages were 3–7 % faster without, and the province's yearly report took as long
    # (28.3 s against 28.5 s). PG_PARALLEL_WORKERS_PER_GATHER gives them back (a replica for reports keeps its own).
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = (f"{_options.get('options', '')} -c max_parallel_workers_per_gather="
                           f"{env.int('PG_PARALLEL_WORKERS_PER_GATHER', default=0)}").strip()

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    # Redis down must not take login (allauth's rate limits) or any page with it: core.cache.FallbackCache
    # logs a warning and uses a per-process memory cache until Redis answers again.
    CACHES = {"default": {"BACKEND": "core.cache.FallbackCache", "LOCATION": REDIS_URL, "OPTIONS": {
        "PRIMARY": "core.cache.RedisCache",
        "PRIMARY_OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        "RETRY_AFTER": env.int("CACHE_RETRY_AFTER_SECONDS", default=10)}}}
else:
    # A file cache is shared by every process of the embedded set-up, so
    # allauth's rate limits hold across the web server's workers.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
# Sessions live in the database, never only in the cache (Redis down must not log everybody out); core.sessions
# reads them through the shared cache, one query less on every page, and never through a process's stand-in.
SESSION_ENGINE = "core.sessions"
# The longest a cached session, user or unread count outlives a change that could not reach the shared cache.
SESSION_CACHE_SECONDS = env.int("SESSION_CACHE_SECONDS", default=120)
# /readyz: a worker whose beat-driven heartbeat (core.tasks.worker_heartbeat, every minute) is older is down.
WORKER_HEARTBEAT_STALE_SECONDS = env.int("WORKER_HEARTBEAT_STALE_SECONDS", default=180)
if PRODUCTION and not REDIS_URL:
    raise ImproperlyConfigured("生产环境必须设置 REDIS_URL（缓存与任务队列）。")

# A PostgreSQL read replica for the heavy reads (reports, benchmarks): used only inside
# core.routers.replica_reads(), and only when REPLICA_DATABASE_URL is set.
REPLICA_DATABASE_URL = env.str("REPLICA_DATABASE_URL", default="")
if REPLICA_DATABASE_URL:
    DATABASES["replica"] = env.db_url("REPLICA_DATABASE_URL")
    DATABASES["replica"].setdefault("CONN_MAX_AGE", DATABASES["default"].get("CONN_MAX_AGE", 0))
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["core.routers.ReplicaRouter"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "accounts.backends.PhoneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

LANGUAGE_CODE = "zh-hans"
# Highest precedence: keeps Django's own wording where an installed library (REST framework) words it differently.
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
# Media is private: it is never served by URL, only through permission-checked views.
MEDIA_URL = "/files/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

# --- allauth -------------------------------------------------------------
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/5m/ip,5/5m/key",
    "login": "30/m/ip",
    "reset_password": "5/m/ip,3/m/key",
}
ACCOUNT_FORMS = {"login": "accounts.forms.LoginForm"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "机关党建"
MFA_ALLOW_UNVERIFIED_EMAIL = False
# Admins must enrol in two-factor authentication before they can do anything else.
REQUIRE_ADMIN_MFA = env_flag("REQUIRE_ADMIN_MFA", default=PRODUCTION)

# --- e-mail ---------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="机关党建 <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery ----------------------------------------------------------------
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("out", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env_flag("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_TIME_LIMIT = 600
CELERY_TASK_SOFT_TIME_LIMIT = 540
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# --- reports ------------------------------------------------------------------
# A generating report's worker writes a heartbeat with each progress step and every INTERVAL seconds between
# them; a report whose heartbeat is older than STALE lost its worker and is taken over (the every-minute sweep,
# or the message delivered again). A waiting report whose message was sent LOST_AFTER ago is sent again.
REPORT_HEARTBEAT_INTERVAL_SECONDS = env.int("REPORT_HEARTBEAT_INTERVAL_SECONDS", default=20)
REPORT_HEARTBEAT_STALE_SECONDS = env.int("REPORT_HEARTBEAT_STALE_SECONDS", default=90)
REPORT_LOST_AFTER_SECONDS = env.int("REPORT_LOST_AFTER_SECONDS", default=120)
if REPORT_HEARTBEAT_STALE_SECONDS < 2 * REPORT_HEARTBEAT_INTERVAL_SECONDS:
    raise ImproperlyConfigured("REPORT_HEARTBEAT_STALE_SECONDS 至少应为 REPORT_HEARTBEAT_INTERVAL_SECONDS 的两倍。")

# --- notifications ------------------------------------------------------------
# Links in e-mails and group-robot messages point here.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# Seconds to wait before each retry of a failed e-mail or webhook; after the last the delivery is FAILED.
NOTIFICATION_RETRY_DELAYS = [int(s) for s in env.list("NOTIFICATION_RETRY_DELAYS", default=["60", "300", "1800",
                                                                                                "7200"])]
# A delivery still waiting this long after it was created lost its message (broker down, worker killed before it
# reached it): the every-minute sweep sends it.
NOTIFICATION_LOST_AFTER_SECONDS = env.int("NOTIFICATION_LOST_AFTER_SECONDS", default=120)
# Group robots may only be reached at these hosts (the secretary types the address; nothing else is called).
# Trimmed and lower-cased: "a, B" must not silently refuse " B" (URL host names are compared lower-cased).
NOTIFICATION_WEBHOOK_HOSTS = [host.strip().lower() for host in env.list(
    "NOTIFICATION_WEBHOOK_HOSTS", default=["qyapi.weixin.qq.com", "oapi.dingtalk.com"]) if host.strip()]

# --- uploads ----------------------------------------------------------------
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
PHOTO_MAX_BYTES = env.int("PHOTO_MAX_BYTES", default=15 * 1024 * 1024)
PHOTO_MAX_PIXELS = env.int("PHOTO_MAX_PIXELS", default=50_000_000)

# --- security ---------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # Behind the reverse proxy, absolute links (QR check-in codes, iCal URLs) must carry the public host.
    USE_X_FORWARDED_HOST = env_flag("USE_X_FORWARDED_HOST", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_flag("SECURE_HSTS_PRELOAD", default=False)
    # Government intranet hosts are not submitted to browsers' HSTS preload lists; preloading is opt-in.
    SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint narrates every step of every PDF at INFO; only its warnings are worth a log line.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Personal data masking: who sees unmasked ID numbers and phones is decided in
# branches.access; every unmasked view is written to the action log.
MEMBER_LIST_PAGE_SIZE = 30

# --- JSON API (api app) ----------------------------------------------------------
def env_rate(name: str, default: str) -> str:
    """A request rate such as "1000/hour"; a malformed one stops start-up (DRF would fail on the first request)."""
    import re

    raw = env.str(name, default=default).strip()
    if not re.fullmatch(r"[1-9][0-9]*/(s|sec|second|m|min|minute|h|hour|d|day)", raw):
        raise ImproperlyConfigured(f"环境变量 {name} 的值 {raw!r} 无法识别，请使用如 1000/hour 的格式。")
    return raw


# Token clients (the city's OA system, the organisation department's platform) and the browser session; both go
# through branches.access like the pages. Rates per token (or per user for the session), e.g. "1000/hour".
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # The token first: its WWW-Authenticate header makes an anonymous call a 401, not a login redirect.
        "api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PageNumberPagination",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ApiReadThrottle", "api.throttling.ApiWriteThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "api_read": env_rate("API_READ_RATE", "1000/hour"),
        "api_write": env_rate("API_WRITE_RATE", "300/hour"),
    },
    "DEFAULT_SCHEMA_CLASS": "api.schema.ApiAutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
API_PAGE_SIZE = 50
API_MAX_PAGE_SIZE = 200
# Lists count their rows this far (exactly below it): see api.pagination.
API_COUNT_CAP = env.int("API_COUNT_CAP", default=10_000)
SPECTACULAR_SETTINGS = {
    "TITLE": "机关党建 数据接口",
    "DESCRIPTION": "党组织、党员（个人敏感信息按权限脱敏）、组织生活与出勤、“三会一课”完成情况；写入仅限登记出勤。"
                   "认证：请求头 Authorization: Bearer <令牌>（由管理员在后台签发），或浏览器登录会话。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": "/api/",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from the drf-spectacular-sidecar package's static files: no CDN. (No Redoc page: its template
    # loads web fonts from outside.)
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}

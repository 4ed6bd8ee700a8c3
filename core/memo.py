"""Rendered once per process: for HTML and URLs that are the same on every page (the menu per combination of
roles, base.html's style sheets, scripts and account links). With DEBUG on they are worked out on every call,
so an edited template or a new static file shows at once."""

from functools import lru_cache, wraps


def once_per_process(maxsize: int):
    """lru_cache(maxsize), bypassed while DEBUG is on; `cache_info` and `cache_clear` are the cache's."""

    def decorate(function):
        cached = lru_cache(maxsize=maxsize)(function)

        @wraps(function)
        def call(*args):
            from django.conf import settings

            return function(*args) if settings.DEBUG else cached(*args)

        call.cache_info, call.cache_clear = cached.cache_info, cached.cache_clear
        return call

    return decorate

"""Point vk_api at a configurable VK API base URL and make its errors ours to handle.

vk_api 11.10.1 facts this module relies on (read from its source):

* ``VkApi.method`` always POSTs form data to the hard-coded ``https://api.vk.ru/method/{name}``
  (the ``.ru`` host, not ``api.vk.com``) through ``VkApi.http``, the ``requests.Session`` given as
  ``session=``. So rewriting URLs in that session is the only hook for a test server or a proxy.
* It posts with no timeout; a stalled connection would block forever while holding
  ``VkApi.lock`` (every call on one ``VkApi`` is serialised under that lock, HTTP included), so the
  session adds a default timeout.
* Error 6 ("Too many requests per second") is handled by ``VkApi.too_many_rps_handler``: it sleeps
  0.5 s and calls the method again, recursively and without a limit. Error 14 (captcha) is turned
  into ``vk_api.exceptions.Captcha``, which is not an ``ApiError``. ``make_vk_api`` removes both
  handlers so that every API error surfaces as ``ApiError`` with ``.code`` and our own sender
  decides about retries.
* ``VkBotLongPoll`` and ``VkUpload`` create their own plain ``requests.Session``; they only talk
  to URLs returned by the API (long-poll server, upload server), which need no rewriting.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import requests
import vk_api
from jconfig.memory import MemoryConfig
from vk_api.exceptions import CAPTCHA_ERROR_CODE, TOO_MANY_RPS_CODE

DEFAULT_VK_API_URL = "https://api.vk.com"
DEFAULT_VK_API_VERSION = "5.199"
DEFAULT_HTTP_TIMEOUT = 30.0

# vk_api 11.10.1 uses api.vk.ru; older releases and most docs use api.vk.com. Both are VK itself.
_PUBLIC_API_HOSTS = frozenset({"api.vk.com", "api.vk.ru"})


def _is_public_api(url: str) -> bool:
    parts = urlsplit(url)
    return (
        parts.scheme == "https"
        and parts.hostname in _PUBLIC_API_HOSTS
        and parts.port is None
        and parts.path.strip("/") == ""
    )


class VkApiSession(requests.Session):
    """A ``requests.Session`` that sends VK API calls to ``api_url`` instead of VK's own host.

    Only URLs on ``https://api.vk.com`` / ``https://api.vk.ru`` are rewritten, keeping path and
    query; everything else (long-poll and upload servers named by the API) is left untouched.
    ``api_url`` is the base without ``/method``, e.g. ``http://127.0.0.1:8081``.
    """

    def __init__(self, api_url: str = DEFAULT_VK_API_URL, timeout: float | None = None) -> None:
        super().__init__()
        base = api_url.rstrip("/")
        # None means "VK itself": nothing to rewrite, behave exactly like requests.Session.
        self.api_base: str | None = None if _is_public_api(base) else base
        self.default_timeout = timeout

    def rewrite_url(self, url: str) -> str:
        if self.api_base is None:
            return url
        parts = urlsplit(url)
        if parts.scheme != "https" or parts.hostname not in _PUBLIC_API_HOSTS or parts.port:
            return url
        rewritten = self.api_base + parts.path
        if parts.query:
            rewritten += "?" + parts.query
        return rewritten

    def request(
        self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any
    ) -> requests.Response:
        if isinstance(url, str):
            url = self.rewrite_url(url)
        if self.default_timeout is not None and kwargs.get("timeout") is None:
            kwargs["timeout"] = self.default_timeout
        return super().request(method, url, *args, **kwargs)


def make_vk_session(
    api_url: str = DEFAULT_VK_API_URL, *, timeout: float | None = DEFAULT_HTTP_TIMEOUT
) -> VkApiSession:
    """Session for ``VkApi(session=...)``; see :class:`VkApiSession`."""
    return VkApiSession(api_url, timeout=timeout)


def make_vk_api(
    token: str,
    api_url: str = DEFAULT_VK_API_URL,
    api_version: str = DEFAULT_VK_API_VERSION,
    *,
    min_interval: float | None = None,
    timeout: float | None = DEFAULT_HTTP_TIMEOUT,
) -> vk_api.VkApi:
    """A ``VkApi`` for one community token that raises on every API error instead of retrying.

    * ``vk.method(...)`` / ``vk.get_api().x.y(...)`` raise ``vk_api.exceptions.ApiError``
      (``.code``, ``.error``) for every VK error, including 6 and 14; a non-2xx HTTP answer raises
      ``vk_api.exceptions.ApiHttpError``; network failures raise ``requests`` exceptions.
    * ``min_interval``: vk_api sleeps so that calls on one instance are at least this far apart
      (``VkApiGroup`` default 1/20 s, i.e. VK's 20 rps limit for community tokens). Pass 0 when a
      sender of our own paces the calls.
    * It is blocking: call it from a worker thread (``asyncio.to_thread``). One instance runs one
      request at a time (``VkApi.lock``), so use one instance per token.
    """
    vk = vk_api.VkApiGroup(
        token=token,
        api_version=api_version,
        session=make_vk_session(api_url, timeout=timeout),
        # The default jconfig.Config reads vk_config.v2.json from the working directory.
        config=MemoryConfig,
    )
    # Without these, error 6 sleeps 0.5 s and retries forever and 14 raises a non-ApiError.
    vk.error_handlers.pop(TOO_MANY_RPS_CODE, None)
    vk.error_handlers.pop(CAPTCHA_ERROR_CODE, None)
    if min_interval is not None:
        vk.RPS_DELAY = min_interval
    return vk

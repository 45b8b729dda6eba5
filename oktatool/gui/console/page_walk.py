"""The Console's page walk: Fetch all pages follows rel="next" links and streams the items into the table."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import TYPE_CHECKING, Any

from oktatool.core.errors import CancelledError
from oktatool.core.okta.api import check_page_walk
from oktatool.core.okta.headers import seconds_until_retry
from oktatool.gui import tasks
from oktatool.gui.console.engine import fetch_page, parse_body

if TYPE_CHECKING:
    from collections.abc import Callable

    from oktatool.context import ProfileSession
    from oktatool.core.okta.api import ApiClient, ApiResponse
    from oktatool.gui.console.response_view import ResponseView
    from oktatool.gui.console.state import PageWalk

#: seconds between progress updates while pages stream in
PROGRESS_EVERY = 0.25


async def walk_pages(view: ResponseView, session: ProfileSession, walk: PageWalk, api: ApiClient, method: str,
                     path: str, body: Any, cancel: threading.Event,
                     gone: Callable[[], bool] = lambda: False) -> ApiResponse | None:
    """Follow every rel="next" page from ``path``, recording each in ``walk`` and streaming its items into
    ``view``'s table; return the last answer.

    The next page travels while one goes into the table. A 429 waits for the rate limit's reset (with a
    countdown) and asks again. A page seen twice, or an empty one, ends the walk; Cancel keeps every row
    that arrived. ``cancel`` (Cancel, or ``session`` closing) stops the walk after any wait; once ``session``
    is closed (another profile is active), or ``gone()`` says the view's request tab was closed, nothing more is
    written to ``view``.
    """
    check_page_walk(method)  # the button is disabled for other methods; this holds whoever calls
    url: str | None = path
    seen: set[str] = set()
    last: ApiResponse | None = None
    ahead: asyncio.Future[tuple[ApiResponse, list[Any] | None]] | None = None
    shown_at = 0.0
    pending: list[Any] = []

    async def arrived(step: Any) -> Any:
        result = await step
        if cancel.is_set():
            raise CancelledError("cancelled")
        return result

    try:
        while url is not None:
            fetching = ahead or asyncio.ensure_future(
                tasks.run_blocking(fetch_page, api, method, url, body, cancel))
            ahead = None
            response, items = await arrived(fetching)
            if response.status == 429:
                wait = seconds_until_retry(response.headers, time.time())
                wait = 1.0 if wait is None else wait
                view.show_rate_wait(time.time() + wait)
                view.show_progress(f"{len(walk.pages)} pages, {view.row_count():,} items; "
                                   "waiting for the rate limit to reset (Cancel stops)")
                await arrived(asyncio.sleep(wait + 0.05))
                view.stop_rate_wait()
                continue
            last = response
            seen.add(response.url)
            url = response.next_url
            if url in seen or (url is not None and response.content.strip() in (b"[]", b"")):
                url = None
            if url is not None and response.ok and items:
                # the next page travels while this one goes into the table
                ahead = asyncio.ensure_future(tasks.run_blocking(fetch_page, api, method, url, body, cancel))
            if not walk.pages or items is None:  # the first page (or an answer that is no list) is shown in full
                parsed = await arrived(tasks.run_blocking(parse_body, response.content))
                view.show_answer(response, parsed)
                if not response.ok or items is None:
                    walk.add(response, ())
                    break
            else:
                pending.extend(items)
            walk.add(response, items)
            walk.complete = url is None
            now = time.perf_counter()
            if now - shown_at >= PROGRESS_EVERY or url is None:  # each update repaints: a few times a second
                shown_at = now
                view.add_rows(pending)
                pending.clear()
                pages = len(walk.pages)
                view.show_page(walk.pages[-1], pages, pages)
                view.show_summary(walk.summary(running=url is not None))
                remaining = response.rate_limit.remaining
                view.show_progress(f"{pages} page{'s' if pages != 1 else ''}, {view.row_count():,} items"
                                   + (f", rate limit remaining {remaining}" if remaining is not None else "") + "…")
    finally:  # a cancelled walk keeps every row that arrived
        if ahead is not None:
            ahead.cancel()
        if not session.closed and not gone():
            view.add_rows(pending)
    await view.all_rows_shown()
    pages = len(walk.pages)
    view.show_progress(f"{'All' if walk.complete else 'Stopped after'} {pages} page{'s' if pages != 1 else ''}: "
                       f"{view.row_count():,} items.")
    if walk.complete and pages > 1:
        view.show_page(walk.pages[0], 1, pages)  # every figure, the JSON and the Text now describe page 1
        view.show_summary(walk.summary() + " Page N of M picks the page the status, headers, request id, JSON and "
                          "Text describe; the table and Save hold every item.")
    return last

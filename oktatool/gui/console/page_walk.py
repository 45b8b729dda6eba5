"""The Console's page walk: Fetch all pages follows rel="next" links and streams the items into the table."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import TYPE_CHECKING, Any

from oktatool.core.okta.headers import seconds_until_retry
from oktatool.gui import tasks
from oktatool.gui.console.engine import fetch_page, parse_body

if TYPE_CHECKING:
    from oktatool.core.okta.api import ApiClient, ApiResponse
    from oktatool.gui.console.response_view import ResponseView

#: seconds between progress updates while pages stream in
PROGRESS_EVERY = 0.25


async def walk_pages(view: ResponseView, api: ApiClient, method: str, path: str, body: Any,
                     cancel: threading.Event) -> ApiResponse | None:
    """Follow every rel="next" page from ``path``, streaming the items into ``view``'s table; return the
    last answer.

    The next page travels while one goes into the table. A 429 waits for the rate limit's reset (with a
    countdown) and asks again. A page seen twice, or an empty one, ends the walk; Cancel keeps every row
    that arrived.
    """
    url: str | None = path
    seen: set[str] = set()
    pages = 0
    last: ApiResponse | None = None
    ahead: asyncio.Future[tuple[ApiResponse, list[Any] | None]] | None = None
    shown_at = 0.0
    pending: list[Any] = []
    try:
        while url is not None:
            fetching = ahead or asyncio.ensure_future(
                tasks.run_blocking(fetch_page, api, method, url, body, cancel))
            ahead = None
            response, items = await fetching
            if response.status == 429:
                wait = seconds_until_retry(response.headers, time.time())
                wait = 1.0 if wait is None else wait
                view.show_rate_wait(time.time() + wait)
                view.progress.setText(f"{pages} pages, {view.rows.rowCount():,} items; "
                                               "waiting for the rate limit to reset (Cancel stops)")
                await asyncio.sleep(wait + 0.05)
                view.retry_countdown.stop()
                continue
            last = response
            seen.add(response.url)
            url = response.next_url
            if url in seen or (url is not None and response.content.strip() in (b"[]", b"")):
                url = None
            if url is not None and response.ok and items:
                # the next page travels while this one goes into the table
                ahead = asyncio.ensure_future(tasks.run_blocking(fetch_page, api, method, url, body, cancel))
            if pages == 0 or items is None:  # the first page (or an answer that is no list) is shown in full
                parsed = await tasks.run_blocking(parse_body, response.content)
                view.show_answer(response, parsed)
                if not response.ok or items is None:
                    break
            else:
                pending.extend(items)
            pages += 1
            now = time.perf_counter()
            if now - shown_at >= PROGRESS_EVERY or url is None:  # each update repaints: a few times a second
                shown_at = now
                view.rows.append_rows(pending)
                pending.clear()
                if pages > 1:
                    view.page_arrived(response)
                remaining = response.rate_limit.remaining
                view.progress.setText(
                    f"{pages} page{'s' if pages != 1 else ''}, {view.rows.rowCount():,} items"
                    + (f", rate limit remaining {remaining}" if remaining is not None else "") + "…")
    finally:  # a cancelled walk keeps every row that arrived
        if ahead is not None:
            ahead.cancel()
        view.rows.append_rows(pending)
    view.progress.setText(f"All {pages} page{'s' if pages != 1 else ''}: "
                                   f"{view.rows.rowCount():,} items. The JSON and Text views show "
                                   "the first page; the table and Save hold every item.")
    return last

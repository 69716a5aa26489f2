"""The dashboard at `/_sim/ui/`: watch and drive the sandbox from a browser.

Server-rendered Jinja pages (one template per page, shared partials in `templates/_*.html`,
one stylesheet), htmx (vendored, pinned, its license beside it) for the live parts: each
page's tables are fragments polled every second and refreshed at once after an action.
Nothing is fetched from outside the simulator.

Reads go through the run state like every other request, so the dashboard shows the same
thing on every worker and host. Writes are the `/_sim` control API itself (forms post JSON
to it through `static/ui.js`), so a button does exactly what a test's API call does.
Credentials are shown masked.
"""

from .views import ui

__all__ = ["ui"]

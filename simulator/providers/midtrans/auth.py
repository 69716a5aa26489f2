"""Midtrans Basic auth: `Authorization: Basic base64(<server key> + ":")`.

The server key is the username, the password is empty. Whatever is wrong — no header,
not Basic, bad base64, a key no scenario merchant has (a production `Mid-server-` key
included) — the answer is the documented 401, so the caller returns None and says why
in the journal.
"""

from __future__ import annotations

from ...merchants import Merchant
from ...wire import BasicAuthError, annotate, basic_credentials, sandbox


def authenticate(header: str | None) -> Merchant | None:
    try:
        server_key, _ = basic_credentials(header, "server_key:")
    except BasicAuthError as exc:
        annotate(auth=str(exc))
        return None
    merchant = sandbox().merchants.by_credential("midtrans", "server_key", server_key)
    if merchant is None:
        annotate(auth=f"no merchant has that server key; it is {_shape(server_key)}")
    else:
        annotate(merchant=merchant.id)
    return merchant


def _shape(server_key: str) -> str:
    """What the key looks like, without quoting it: the journal never stores a secret."""
    if server_key.startswith("SB-Mid-server-"):
        return "a sandbox key (SB-Mid-server-…) no scenario merchant has"
    if server_key.startswith("Mid-server-"):
        return "a production key (Mid-server-…); the simulator takes sandbox keys"
    return "not shaped like a Midtrans server key (SB-Mid-server-…)"


def authenticate_client_key(client_key: str | None) -> Merchant | None:
    """The merchant of a browser-side call (`GET /v2/token`), named by its client key."""
    merchant = sandbox().merchants.by_credential("midtrans", "client_key", client_key or "")
    if merchant is None:
        annotate(auth="no merchant has that client_key" if client_key else "no client_key parameter")
    else:
        annotate(merchant=merchant.id)
    return merchant

"""The journal's entry forms (`simulator.journal`): a `Draft` rendered at once, and packed for
a store that encodes it (marshal) then rendered when read, give the same entry — and the
packed form already holds no credential."""

from __future__ import annotations

import base64
import marshal

from simulator.journal import Draft, unpacked

SERVER_KEY = "SB-Mid-server-SIMULATOR-KEY"
AUTH = {"Authorization": "Basic " + base64.b64encode(f"{SERVER_KEY}:".encode()).decode()}


def drafts_of(sandbox) -> list[Draft]:
    """The drafts the memory store keeps, as the hooks handed them over."""
    return [entry for _, entry in sandbox.run._run.journal]


def test_a_packed_draft_reads_back_as_the_rendered_entry(client, sandbox):
    answer = client.post("/v2/MT-VA-BCA-PENDING/cancel", headers={**AUTH, "X-Trace": "t-1"},
                         json={"reason": "customer"})
    assert answer.status_code == 200
    draft = drafts_of(sandbox)[-1]
    assert isinstance(draft, Draft)

    stored = marshal.dumps(draft.packed())
    entry = unpacked(marshal.loads(stored))

    assert entry == draft.render()
    assert entry["order_id"] == "MT-VA-BCA-PENDING" and entry["status"] == 200
    assert entry["request"]["headers"]["X-Trace"] == "t-1"
    assert entry["request"]["body"] == '{"reason": "customer"}'
    assert entry["response"]["body"] == answer.get_data(as_text=True)


def test_a_packed_draft_holds_no_credential(client, sandbox):
    assert client.get("/v2/MT-VA-BCA-PENDING/status", headers=AUTH).status_code == 200
    stored = marshal.dumps(drafts_of(sandbox)[-1].packed())
    encoded = AUTH["Authorization"].split()[1]
    assert encoded.encode() not in stored and SERVER_KEY.encode() not in stored
    shown = unpacked(marshal.loads(stored))["request"]["headers"]["Authorization"]
    assert shown.startswith("Basic ") and "…·" in shown

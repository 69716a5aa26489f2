"""Check Status (sheet §7): the `data` object per channel, amounts as integers."""

from __future__ import annotations

import re

import pytest

from .conftest import MOUNTS, assert_envelope

CHANNELS = ["vabca", "vamandiri", "vabni", "vabri", "vapermata", "vacimb", "qris", "ovo",
            "dana", "shopeepay", "linkaja", "alfamart", "idm", "pospay", "finpaycode", "cc"]


@pytest.mark.parametrize("mount", MOUNTS, ids=["root", "prefixed"])
def test_va_order(finpay, mount):
    data = assert_envelope(finpay.check("FP-VAMANDIRI-PENDING", mount), 200, "2000000", "Success")["data"]
    assert data["order"]["id"] == "FP-VAMANDIRI-PENDING"
    assert data["order"]["amount"] == 100000 and data["order"]["currency"] == "IDR"
    assert re.fullmatch(r"\d{23}", data["order"]["reference"])
    payment = data["result"]["payment"]
    assert payment == {"amount": 100000, "status": "PENDING", "statusDesc": None,
                       "datetime": payment["datetime"]}
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", payment["datetime"])
    assert data["sourceOfFunds"]["type"] == "vamandiri"
    assert data["sourceOfFunds"]["channel"] == "008"
    assert re.fullmatch(r"\d{16}", data["sourceOfFunds"]["paymentCode"])
    assert "card" not in data
    assert data["meta"] == {"data": None}
    assert set(data["customer"]) == {"id", "email", "firstName", "lastName", "mobilePhone"}


def test_card_order(finpay):
    data = finpay.check("FP-CC-AUTHORIZED").get_json()["data"]
    assert re.fullmatch(r"512345x{6}\d{4}", data["card"]["mask"])
    assert set(data["card"]["info"]) == {"brand", "issuing", "type", "subType", "country"}
    assert data["sourceOfFunds"] == {"type": "cc"}
    assert data["order"]["amount"] == 250000


def test_hosted_order_has_no_source_of_funds(finpay):
    data = finpay.check("FP-HOSTED-PENDING").get_json()["data"]
    assert "sourceOfFunds" not in data and "card" not in data


@pytest.mark.parametrize("channel", CHANNELS)
def test_every_channel_reads_its_source_of_funds(finpay, channel):
    order_id = finpay.create("PENDING", channel, amount=12345)
    data = finpay.check(order_id).get_json()["data"]
    assert data["sourceOfFunds"]["type"] == channel
    assert data["order"]["amount"] == 12345 and isinstance(data["result"]["payment"]["amount"], int)


def test_trace_ids_differ_per_response(finpay):
    first = finpay.check("FP-VABCA-PENDING").get_json()["traceId"]
    second = finpay.check("FP-VABCA-PENDING").get_json()["traceId"]
    assert first != second


def test_datetime_is_the_last_change_in_jakarta_time(client, finpay):
    client.post("/_sim/clock", json={"set": "2026-01-15T05:04:05+00:00", "frozen": True})
    finpay.cancel("FP-VABCA-PENDING")
    payment = finpay.check("FP-VABCA-PENDING").get_json()["data"]["result"]["payment"]
    assert payment["datetime"] == "2026-01-15 12:04:05" and payment["status"] == "CANCELLED"

"""The official `midtransclient` (PyPI 1.4.2) against a live simulator on 127.0.0.1."""

import pytest

midtransclient = pytest.importorskip("midtransclient")

from .conftest import SERVER_KEY  # noqa: E402


@pytest.fixture
def core(live_url, monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    api = midtransclient.CoreApi(is_production=False, server_key=SERVER_KEY)
    api.api_config.CORE_SANDBOX_BASE_URL = live_url
    return api


def test_cancel_pending_returns_the_cancelled_transaction(core):
    result = core.transactions.cancel("MT-VA-BCA-PENDING")

    assert isinstance(result, dict)
    assert result["transaction_status"] == "cancel"
    assert result["status_code"] == "200"


def test_second_cancel_raises_with_body_412_under_http_200(core):
    core.transactions.cancel("MT-GOPAY-PENDING")

    with pytest.raises(midtransclient.error_midtrans.MidtransAPIError) as raised:
        core.transactions.cancel("MT-GOPAY-PENDING")

    assert raised.value.http_status_code == 200
    assert raised.value.api_response_dict["status_code"] == "412"
    assert "API status code: `412`" in raised.value.message


def test_wrong_server_key_raises_http_401(live_url):
    api = midtransclient.CoreApi(is_production=False, server_key="SB-Mid-server-WRONG")
    api.api_config.CORE_SANDBOX_BASE_URL = live_url

    with pytest.raises(midtransclient.error_midtrans.MidtransAPIError) as raised:
        api.transactions.status("MT-VA-BCA-PENDING")

    assert raised.value.http_status_code == 401
    assert "HTTP status code: `401`" in raised.value.message


def test_status_after_cancel_shows_cancel(core):
    core.transactions.cancel("MT-CARD-BCA-CAPTURE")

    status = core.transactions.status("MT-CARD-BCA-CAPTURE")

    assert status["transaction_status"] == "cancel"
    assert status["status_code"] == "200"


def test_unknown_order_raises_body_404(core):
    with pytest.raises(midtransclient.error_midtrans.MidtransAPIError) as raised:
        core.transactions.status("NO-SUCH-ORDER")

    assert raised.value.http_status_code == 200
    assert raised.value.api_response_dict["status_code"] == "404"


def test_expire_returns_407_as_a_result_not_an_error(core):
    result = core.transactions.expire("MT-QRIS-PENDING")

    assert result["status_code"] == "407"
    assert result["transaction_status"] == "expire"


def test_prefixed_base_url(live_url):
    api = midtransclient.CoreApi(is_production=False, server_key=SERVER_KEY)
    api.api_config.CORE_SANDBOX_BASE_URL = f"{live_url}/midtrans"

    assert api.transactions.cancel("MT-SHOPEEPAY-PENDING")["transaction_status"] == "cancel"


def test_notification_helper_reads_status_with_custom_headers_as_query(core):
    core.api_config.custom_headers = {"X-Test": "1"}
    notification = {"transaction_id": "3f1c2a9e-7b4d-4c1e-9a55-0d6e2b8f4c11"}

    status = core.transactions.notification(notification)

    assert status["order_id"] == "sim-order-1001"


# -- create: charge, card token, Snap (the calls of the client's own tests) -------------------

@pytest.fixture
def snap(live_url, monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    api = midtransclient.Snap(is_production=False, server_key=SERVER_KEY,
                              client_key="SB-Mid-client-SIMULATOR-KEY")
    api.api_config.SNAP_SANDBOX_BASE_URL = f"{live_url}/snap/v1"
    return api


@pytest.fixture
def core_with_client_key(core):
    core.api_config.client_key = "SB-Mid-client-SIMULATOR-KEY"
    return core


ORDER_ID = "py-midtransclient-test-2026-01-15 10:00:00"     # the client tests' id shape


def test_charge_bank_transfer_bca_simple(core):
    response = core.charge({"payment_type": "bank_transfer", "bank_transfer": {"bank": "bca"},
                            "transaction_details": {"order_id": ORDER_ID, "gross_amount": 44145}})

    assert int(response["status_code"]) == 201
    assert response["transaction_status"] == "pending"
    assert core.transactions.status(ORDER_ID)["transaction_status"] == "pending"


def test_card_token_then_charge_is_captured(core_with_client_key):
    core = core_with_client_key
    token = core.card_token({"card_number": "5264 2210 3887 4659", "card_exp_month": "12",
                             "card_exp_year": "2030", "card_cvv": "123",
                             "client_key": core.api_config.client_key})
    assert int(token["status_code"]) == 200 and isinstance(token["token_id"], str)

    response = core.charge({"payment_type": "credit_card", "credit_card": {"token_id": token["token_id"]},
                            "transaction_details": {"order_id": "py-cc-1", "gross_amount": 12145}})

    assert int(response["status_code"]) == 200
    assert response["transaction_status"] == "capture"
    assert response["fraud_status"] == "accept"


def test_charge_fail_empty_param_is_500_unexpected(core):
    with pytest.raises(midtransclient.error_midtrans.MidtransAPIError) as raised:
        core.charge(None)

    assert "500" in raised.value.message and "unexpected" in raised.value.message


def test_charge_fail_zero_gross_amount_is_400(core):
    with pytest.raises(midtransclient.error_midtrans.MidtransAPIError) as raised:
        core.charge({"payment_type": "bank_transfer", "bank_transfer": {"bank": "bca"},
                     "transaction_details": {"order_id": "py-zero", "gross_amount": 0}})

    assert "400" in raised.value.message


def test_snap_create_transaction_min_twice_with_the_same_id(snap):
    param = {"transaction_details": {"order_id": ORDER_ID, "gross_amount": 200000},
             "credit_card": {"secure": True}}

    first = snap.create_transaction(param)
    snap.api_config.custom_headers = {"X-Override-Notification": "https://example.org"}
    second = snap.create_transaction(param)

    assert isinstance(first["token"], str) and isinstance(second["redirect_url"], str)
    assert snap.create_transaction_token(param) != first["token"]
    assert snap.create_transaction_redirect_url(param).startswith(
        snap.api_config.SNAP_SANDBOX_BASE_URL.removesuffix("/snap/v1") + "/snap/v4/redirection/")


def test_snap_request_fail_401_unauthorized(snap):
    snap.api_config.server_key = "dummy"

    with pytest.raises(midtransclient.error_midtrans.MidtransAPIError) as raised:
        snap.create_transaction({"transaction_details": {"order_id": "py-401", "gross_amount": 1}})

    assert "401" in raised.value.message and "unauthorized" in raised.value.message


def test_snap_request_fail_empty_param_is_400_is_required(snap):
    with pytest.raises(midtransclient.error_midtrans.MidtransAPIError) as raised:
        snap.create_transaction(None)

    assert "400" in raised.value.message and "is required" in raised.value.message

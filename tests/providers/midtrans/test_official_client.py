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

"""Scenario loading and validation: errors name the file, the key path and what was expected."""

import textwrap
from pathlib import Path
from datetime import datetime, timezone

import pytest

from simulator.ids import Randomness
from simulator.providers import PROVIDERS
from simulator.scenarios import ScenarioError, build_orders, bundled_names, load, parse

MERCHANT = "  - {provider: midtrans, id: G1, credentials: {server_key: SB-Mid-server-X}}\n"


def _parse(body: str):
    return parse(textwrap.dedent(body), "scenarios/x.yaml", PROVIDERS)


def _problems(body: str) -> list[str]:
    with pytest.raises(ScenarioError) as raised:
        _parse(body)
    return raised.value.problems


def test_every_bundled_scenario_is_valid():
    for name in bundled_names():
        assert load(name, PROVIDERS).name


def test_unknown_status_names_file_path_and_expected_values():
    problems = _problems("name: x\nmerchants:\n" + MERCHANT + "orders:\n"
                         "  - {provider: midtrans, amount: 1000}\n"
                         "  - {provider: midtrans, amount: 1000, status: PAYED}\n")

    assert problems == [
        "scenarios/x.yaml: orders[1].status: 'PAYED' is not a midtrans status; expected one of "
        "pending, authorize, capture, settlement, deny, cancel, expire, failure, refund, "
        "partial_refund, chargeback, partial_chargeback"]


@pytest.mark.parametrize("body, expected", [
    ("merchants: []", "scenarios/x.yaml: name: required; expected a non-empty string"),
    ("name: x\nmerchants:\n  - {provider: stripe, id: S, credentials: {}}",
     "merchants[0].provider: 'stripe' is not a provider; expected one of"),
    ("name: x\nmerchants:\n  - {provider: midtrans, id: G1, credentials: {}}",
     "merchants[0].credentials.server_key: required for midtrans; expected a string"),
    ("name: x\nmerchants:\n" + MERCHANT + "orders:\n  - {provider: midtrans, amount: -5}",
     "orders[0].amount: -5 is not an amount"),
    ("name: x\nmerchants:\n" + MERCHANT + "orders:\n  - {provider: midtrans, amount: 5, channel: cash}",
     "orders[0].channel: 'cash' is not a midtrans channel"),
    ("name: x\nmerchants:\n" + MERCHANT + "orders:\n  - {provider: midtrans, amount: 5, stauts: pending}",
     "orders[0].stauts: unknown key for a midtrans order"),
    ("name: x\nmerchants:\n" + MERCHANT + "orders:\n  - {provider: midtrans, amount: 5, merchant: G9}",
     "orders[0].merchant: 'G9' is not a midtrans merchant of this scenario; expected one of G1"),
    ("name: x\nmerchants:\n" + MERCHANT + "orders:\n  - {provider: midtrans, amount: 5, expires_in: soon}",
     "orders[0].expires_in: 'soon' is not a duration"),
    ("name: x\nclock: {start: yesterday}", "clock.start: 'yesterday' is not an ISO-8601 timestamp"),
    ("name: x\nmerchants:\n" + MERCHANT + "orders:\n  - generate: {provider: midtrans, count: 0}",
     "orders[0].generate.count: 0 is not a count"),
    ("name: x\nmerchants: [\n", "not valid YAML"),
    ("- just a list", "expected a mapping"),
])
def test_validation_messages(body, expected):
    assert any(expected in p for p in _problems(body)), _problems(body)


def test_merchant_required_when_a_provider_has_two():
    problems = _problems("name: x\nmerchants:\n" + MERCHANT +
                         "  - {provider: midtrans, id: G2, credentials: {server_key: SB-Mid-server-Y}}\n"
                         "orders:\n  - {provider: midtrans, amount: 5}\n")

    assert problems == ["scenarios/x.yaml: orders[0].merchant: required: this scenario has 2 "
                        "midtrans merchants (G1, G2)"]


def test_status_is_matched_case_insensitively_and_stored_canonically():
    scenario = _parse("name: x\nmerchants:\n" + MERCHANT +
                      "orders:\n  - {provider: midtrans, amount: 5, status: PENDING}\n")

    assert scenario.orders[0]["status"] == "pending"


def test_same_seed_same_orders_other_seed_other_orders():
    body = ("name: x\nseed: SEED\nclock: {start: '2026-01-01T00:00:00Z', frozen: true}\n"
            "merchants:\n" + MERCHANT +
            "orders:\n  - generate: {provider: midtrans, count: 25, statuses: {pending: 1, settlement: 1}}\n")

    def orders(seed):
        scenario = _parse(body.replace("SEED", str(seed)))
        return [o.to_dict() for o in build_orders(scenario, PROVIDERS, scenario.clock_start,
                                                  Randomness(scenario.seed))]

    assert orders(7) == orders(7)
    assert orders(7) != orders(8)
    assert {o["status"] for o in orders(7)} == {"pending", "settlement"}


def test_unknown_bundled_name_lists_the_bundled_ones():
    with pytest.raises(ScenarioError, match="bundled: .*default"):
        load("no-such-scenario", PROVIDERS)


def test_two_orders_with_one_id_are_refused():
    text = ("name: dup\nmerchants:\n  - {provider: midtrans, id: M, credentials: {server_key: K}}\n"
            "orders:\n  - {provider: midtrans, order_id: A-1, amount: 10}\n"
            "  - {provider: midtrans, order_id: A-1, amount: 20}\n")
    with pytest.raises(ScenarioError) as caught:
        parse(text, "dup.yaml", PROVIDERS)
    assert caught.value.problems == ["dup.yaml: orders[1].order_id: 'A-1' is already the id of orders[0] "
                                     "(same provider and merchant)"]


def test_generated_ids_are_unique_in_a_block():
    text = ("name: many\nmerchants:\n  - {provider: midtrans, id: M, credentials: {server_key: K}}\n"
            "orders:\n  - generate: {provider: midtrans, count: 3}\n")
    scenario = parse(text, "many.yaml", PROVIDERS)
    ids = [o.order_id for o in build_orders(scenario, PROVIDERS, datetime.now(timezone.utc), Randomness(scenario.seed))]
    assert len(set(ids)) == 3 and [i.rsplit("-", 1)[1] for i in ids] == ["1", "2", "3"]


@pytest.mark.parametrize("body, expected", [
    ("name: x\nmerchant: []", "scenarios/x.yaml: merchant: unknown key; expected one of clock, "
     "description, faults, merchants, name, orders, seed; did you mean 'merchants'?"),
    ("name: x\nclock: {start: '2026-01-01T00:00:00Z', frozn: true}",
     "scenarios/x.yaml: clock.frozn: unknown key; expected one of frozen, start; did you mean 'frozen'?"),
    ("name: x\nmerchants:\n  - {provider: midtrans, id: G, credentials: {server_key: K}, notifcation_url: 'http://h'}",
     "scenarios/x.yaml: merchants[0].notifcation_url: unknown key; expected one of credentials, features, id, "
     "name, notification_url, provider; did you mean 'notification_url'?"),
    ("name: x\nmerchants:\n  - {provider: midtrans, id: G, credentials: {server_key: K}}\n"
     "orders:\n  - {provider: midtrans, order_id: A, amount: 1, stauts: pending}",
     "did you mean 'status'?"),
    ("name: x\nmerchants:\n  - {provider: midtrans, id: G, credentials: {server_key: K}}\n"
     "orders:\n  - generate: {provider: midtrans, cout: 3}", "orders[0].generate.cout: unknown key"),
    ("name: x\nfaults:\n  - {provider: midtrans, action: status, status: 503, tims: 2}",
     "scenarios/x.yaml: faults[0].tims: unknown key; expected one of "),
])
def test_a_mistyped_key_is_an_error_with_the_closest_key(body, expected):
    with pytest.raises(ScenarioError) as caught:
        _parse(body)
    assert any(expected in p for p in caught.value.problems), caught.value.problems


@pytest.mark.parametrize("body, expected", [
    ("name: x\nmerchants:\n  - {provider: midtrans, id: G, credentials: {server_key: K, sever_key: K}}",
     "scenarios/x.yaml: merchants[0].credentials.sever_key: unknown key for a midtrans merchant; expected one of "
     "client_key, server_key; did you mean 'server_key'?"),
    ("name: x\nmerchants:\n  - {provider: doku, id: D, credentials: {client_id: C, secret_key: S}, features: {cancle: true}}",
     "scenarios/x.yaml: merchants[0].features.cancle: unknown key for a doku merchant; expected one of "
     "active_channels, cancel, cancel_convenience_store; did you mean 'cancel'?"),
    ("name: x\nfaults:\n  - {provider: midtrans, endpoint: cancle, action: status, status: 503}",
     "scenarios/x.yaml: faults[0].endpoint: 'cancle' is not an endpoint of midtrans; expected one of cancel, "
     "card_token, charge, expire, payer, snap, status, webhook; did you mean 'cancel'?"),
])
def test_provider_specific_typos_are_errors_too(body, expected):
    with pytest.raises(ScenarioError) as caught:
        _parse(body)
    assert expected in caught.value.problems, caught.value.problems


@pytest.fixture(params=["libyaml", "pure-python"])
def yaml_loader(request, monkeypatch):
    """Both ways a scenario's YAML is read: libyaml (when PyYAML has it) and PyYAML's own."""
    import simulator.scenarios as scenarios_module
    if request.param == "pure-python":
        monkeypatch.setattr(scenarios_module, "_FAST_LOADER", None)
    elif scenarios_module._FAST_LOADER is None:
        pytest.skip("PyYAML was built without libyaml")
    return request.param


def test_libyaml_reads_every_bundled_scenario_as_pyyaml_does():
    import yaml

    import simulator.scenarios as scenarios_module
    for path in sorted(Path(scenarios_module.__file__).parent.glob("bundled_scenarios/*.yaml")):
        text = path.read_text()
        assert scenarios_module._load_yaml(text) == yaml.load(text, Loader=scenarios_module._NoAliases), path


def test_both_yaml_loaders_refuse_the_same_input(yaml_loader):
    assert load("default", PROVIDERS).name == "default"
    alias = "name: x\nmerchants: &m []\nother: *m\n"
    assert _problems(alias) == ["scenarios/x.yaml: line 3 column 8: not valid YAML: aliases (*name) "
                                "are not allowed in a scenario; write the value out"]
    assert _problems("name: x\norders: " + "[" * 100 + "]" * 100) == ["scenarios/x.yaml: nests deeper than 64 levels"]
    [deep] = _problems("name: x\norders: " + "[" * 100_000)      # libyaml stops at its own 1,000
    assert deep.endswith(("nests deeper than 64 levels", "not valid YAML: exceeded maximum nesting depth"))
    assert any("not valid YAML" in p for p in _problems("name: x\nmerchants: [\n"))

"""An example merchant backend and its integration tests against the payment sandbox
(`pytest examples/`): copy `gateways.py` and `test_merchant.py` as a starting point."""

"""Root conftest: makes the `payment_sandbox` pytest plugin available to this repository's
own run (tests/ and examples/) even where the package's entry point is not installed.

The entry point is named after the module (`simulator.pytest_plugin`), so when it is
installed pytest finds the plugin already registered under that name and this line is a
no-op instead of a duplicate registration."""

pytest_plugins = ["simulator.pytest_plugin"]

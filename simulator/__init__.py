"""Payment sandbox simulator: one Flask app impersonating five payment gateways'
order-cancel APIs over one stateful order store. Start with `simulator.app.create_app`."""

__version__ = "0.1.0"

#!/usr/bin/env python3
"""`python run.py …` from a checkout: the same as the installed `payment-sandbox` command
(simulator/cli.py), with the same flags and subcommands."""

import sys

from simulator.cli import main

if __name__ == "__main__":
    sys.exit(main())

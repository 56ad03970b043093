#!/usr/bin/env python
"""Django's command-line utility for Amparo (the installed `amparo` command does the same)."""

from amparo.cli import main

if __name__ == "__main__":
    main()

"""`python -m newsledger` runs the command line."""

from .cli import main

main()

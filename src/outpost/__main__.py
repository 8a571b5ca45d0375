"""`python -m outpost`: the same entry point as the `outpost` command."""

from outpost.cli import main

raise SystemExit(main())

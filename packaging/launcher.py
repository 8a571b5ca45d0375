"""Entry point of the frozen bundle: the same `outpost` command as the installed package."""

from outpost.cli import main

raise SystemExit(main())

"""``python -m geo``: the corridor routing command line."""

from geo.cli import main

raise SystemExit(main())

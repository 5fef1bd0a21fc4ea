"""Entry point for ``python -m compare`` (the same as the ``newscompare`` command)."""
from .cli import main

raise SystemExit(main())

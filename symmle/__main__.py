"""``python -m symmle``: the same as the ``symmle`` command."""
from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())

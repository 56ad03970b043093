"""The `amparo` command: Django's manage.py under the project's name.

Command names may be written with hyphens (`amparo demo-data`, `amparo import-people`), the
form the docs use; Django's own modules use underscores, so both spellings work.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amparo.settings")
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()

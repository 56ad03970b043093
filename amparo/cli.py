"""The `amparo` command: Django's manage.py under the project's name.

Command names may be written with hyphens (`amparo demo-data`, `amparo import-people`), the
form the docs use; Django's own modules use underscores, so both spellings work.
"""

import os
import sys

# Long-running processes a production deployment starts: they refuse to start while a deployment
# check fails (amparo.core.checks), as the WSGI application does.
SERVING_COMMANDS = {"runserver", "db_worker"}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amparo.settings")
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    if len(argv) > 1 and argv[1] in SERVING_COMMANDS:
        import django

        django.setup()
        from django.core.exceptions import ImproperlyConfigured

        from amparo.core.checks import refuse_unsafe_start

        try:
            refuse_unsafe_start()
        except ImproperlyConfigured as exc:
            sys.exit(str(exc))
        if argv[1] == "db_worker":
            from amparo.core.tasks import schedule_housekeeping

            schedule_housekeeping()  # the daily purge and the removal of old import files
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()

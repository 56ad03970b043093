"""The actor of a crises command: the system (`cli:<command>`) or, with --as, a user."""

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from amparo.accounts import policy


def add_as_argument(parser) -> None:
    parser.add_argument(
        "--as", dest="as_user", metavar="USERNAME", help="act as this user (and see only what they see)"
    )


def actor_for(options, command: str):
    username = options.get("as_user")
    if not username:
        return policy.system_principal(f"cli:{command}")
    try:
        return get_user_model().objects.get(username=username, is_active=True)
    except get_user_model().DoesNotExist:
        raise CommandError(f"--as {username}: no active user with that name") from None

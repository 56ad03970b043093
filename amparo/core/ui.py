"""The UI shell's extension points: each app adds its navigation entries, home-page cards and
panels of the person page in its AppConfig.ready(), so the base layout and the registry never need
to know which apps exist."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from amparo.accounts.policy import Principal, principal_for


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str
    roles: frozenset[str] | None  # None: every signed-in member
    order: int


@dataclass(frozen=True)
class HomeCard:
    template: str
    roles: frozenset[str] | None
    order: int


@dataclass(frozen=True)
class PersonPanel:
    template: str
    roles: frozenset[str] | None
    order: int
    # (user, person) -> dict of the panel's data, or None to leave the panel out for this user.
    context: Callable[[Any, Any], dict | None] | None = None


@dataclass(frozen=True)
class RenderedPanel:
    """A person panel ready to include: the template reads its data as `panel.data`."""

    template: str
    data: dict


_nav: list[NavItem] = []
_cards: list[HomeCard] = []
_person_panels: list[PersonPanel] = []


def add_nav(url_name: str, label, *, roles=None, order: int = 50) -> None:
    if any(item.url_name == url_name for item in _nav):
        return
    _nav.append(NavItem(url_name, label, frozenset(roles) if roles else None, order))
    _nav.sort(key=lambda item: item.order)


def add_home_card(template: str, *, roles=None, order: int = 50) -> None:
    if any(card.template == template for card in _cards):
        return
    _cards.append(HomeCard(template, frozenset(roles) if roles else None, order))
    _cards.sort(key=lambda card: card.order)


def add_person_panel(template: str, *, roles=None, order: int = 50, context=None) -> None:
    """A section of the registry's person page, e.g. this person's screenings or cases.

    `context(user, person)` returns the panel's data (read in the template as `panel.data`; the
    template also sees `person` and the page's context) or None to leave the panel out. It must
    read through the access policy: the panel shows only rows the user may see."""
    if any(panel.template == template for panel in _person_panels):
        return
    _person_panels.append(PersonPanel(template, frozenset(roles) if roles else None, order, context))
    _person_panels.sort(key=lambda panel: panel.order)


_crisis_panels: list[tuple[str, Callable[[Any, Any], dict | None]]] = []


def add_crisis_panel(template: str, context: Callable[[Any, Any], dict | None]) -> None:
    """A section of the crisis dashboard's summary, e.g. tracing's open inquiries and
    reunifications. `context(user, crisis)` returns the panel's figures (read in the template as
    `panel.data`) or None to leave it out; it counts through the access policy."""
    if all(existing != template for existing, _fn in _crisis_panels):
        _crisis_panels.append((template, context))


def crisis_panels_for(user, crisis) -> list[RenderedPanel]:
    shown = []
    for template, context in _crisis_panels:
        data = context(user, crisis)
        if data is not None:
            shown.append(RenderedPanel(template, data))
    return shown


_banners: list[tuple[str, Callable[[Any], dict | None]]] = []


def add_page_banner(template: str, context: Callable[[Any], dict | None]) -> None:
    """A strip shown at the top of every staff page when `context(request)` returns data (read in
    the template as `banner.data`), e.g. "you are inside a drill"."""
    if all(existing != template for existing, _fn in _banners):
        _banners.append((template, context))


def banners_for(request) -> list[RenderedPanel]:
    shown = []
    for template, context in _banners:
        data = context(request)
        if data is not None:
            shown.append(RenderedPanel(template, data))
    return shown


def _allowed(roles: frozenset[str] | None, principal: Principal) -> bool:
    if principal.is_system:
        return True
    if not principal.seats:
        return False
    return roles is None or bool(roles & principal.roles)


def nav_for(principal: Principal) -> list[NavItem]:
    return [item for item in _nav if _allowed(item.roles, principal)]


def home_cards_for(principal: Principal) -> list[HomeCard]:
    return [card for card in _cards if _allowed(card.roles, principal)]


def person_panels_for(user, person, principal: Principal | None = None) -> list[RenderedPanel]:
    """The panels of `person`'s page for `user` (who may already see the person), in order."""
    principal = principal or principal_for(user)
    panels = []
    for panel in _person_panels:
        if not _allowed(panel.roles, principal):
            continue
        data = panel.context(user, person) if panel.context else {}
        if data is not None:
            panels.append(RenderedPanel(panel.template, data))
    return panels

"""The UI shell's extension points: each app adds its navigation entries and home-page cards in
its AppConfig.ready(), so the base layout never needs to know which apps exist."""

from __future__ import annotations

from dataclasses import dataclass

from amparo.accounts.policy import Principal


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


_nav: list[NavItem] = []
_cards: list[HomeCard] = []


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

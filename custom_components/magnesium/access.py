"""Who may change a person's log.

Removing records (undo, delete) and logging by voice change a health record, so they need an
administrator or the user linked to the entry's person. A change without a user (an
automation, a script, a voice satellite) is Home Assistant's own and is allowed.
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant, callback

from .tracker import MagnesiumTracker


@callback
def person_of_user(hass: HomeAssistant, user_id: str | None) -> str | None:
    """The person entity linked to a Home Assistant user."""
    if user_id is None:
        return None
    for state in hass.states.async_all("person"):
        if state.attributes.get("user_id") == user_id:
            return state.entity_id
    return None


async def async_may_change(
    hass: HomeAssistant, user_id: str | None, tracker: MagnesiumTracker
) -> bool:
    """Whether a user may change this person's log."""
    if user_id is None:
        return True
    user = await hass.auth.async_get_user(user_id)
    if user is None:
        return False
    if user.is_admin:
        return True
    person = tracker.settings.person
    return person is not None and person_of_user(hass, user_id) == person

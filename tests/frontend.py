"""Forms filled the way Home Assistant's frontend fills them.

The frontend gets a form as the serialized schema (made by the flow's HTTP view, whose own
method is used here: ``voluptuous_serialize`` up to 2026.8, ``probatio`` after). It fills the
form's first data from each field's suggested value, else its default, else (for a section
with no default) from the fields inside; it refuses to submit ("Not all required fields are
filled in") while a required field, also inside a section that has a value, is empty; and it
leaves out the top-level fields that are empty. Read from the frontend's
``compute-initial-ha-form-data.ts`` and ``step-flow-form.ts`` (2025.4 and later).
"""

from __future__ import annotations

import copy
import json
from typing import Any

from homeassistant.data_entry_flow import FlowResult
from homeassistant.helpers.data_entry_flow import _BaseFlowManagerView

_EMPTY = ("", None)  # "" and undefined; JSON null stands for undefined here


def serialized_schema(result: FlowResult) -> list[dict[str, Any]]:
    """The form's schema as the frontend receives it."""
    view = _BaseFlowManagerView(None)  # type: ignore[arg-type]  # the manager is not used
    fields = view._prepare_result_json(result)["data_schema"]
    return json.loads(json.dumps(fields))  # type: ignore[no-any-return]


def _selector_start(field: dict[str, Any]) -> tuple[bool, Any]:
    """The value the frontend gives a required field without suggestion or default."""
    selector = field.get("selector") or {}
    if "boolean" in selector:
        return True, False
    if "text" in selector:
        return True, ""
    if "number" in selector:
        return True, (selector["number"] or {}).get("min", 0)
    if "entity" in selector:
        return True, [] if (selector["entity"] or {}).get("multiple") else ""
    if "select" in selector:
        options = (selector["select"] or {}).get("options") or []
        if options:
            first = options[0] if isinstance(options[0], str) else options[0]["value"]
            return True, [first] if selector["select"].get("multiple") else first
    return False, None


def initial_data(fields: list[dict[str, Any]]) -> dict[str, Any]:
    """The data the frontend starts a form with (``computeInitialHaFormData``)."""
    data: dict[str, Any] = {}
    for field in fields:
        name = field["name"]
        suggested = (field.get("description") or {}).get("suggested_value")
        if suggested is not None:
            data[name] = copy.deepcopy(suggested)
        elif "default" in field:
            data[name] = copy.deepcopy(field["default"])
        elif field.get("type") == "expandable":
            inner = initial_data(field["schema"])
            if field.get("required") or inner:
                data[name] = inner
        elif field.get("required"):
            known, value = _selector_start(field)
            if known:
                data[name] = value
    return data


def missing_required(fields: list[dict[str, Any]], data: dict[str, Any]) -> list[str]:
    """The required fields the frontend finds empty (it then refuses to submit)."""
    missing: list[str] = []
    for field in fields:
        name = field["name"]
        value = data.get(name)
        if field.get("required") and value in _EMPTY:
            missing.append(name)
        if field.get("type") == "expandable" and not (not field.get("required") and value is None):
            inner = value if isinstance(value, dict) else {}
            missing.extend(f"{name}.{item}" for item in missing_required(field["schema"], inner))
    return missing


def submitted(result: FlowResult, changes: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the frontend sends for a form left as shown, with ``changes`` typed in.

    A change to a section is a dict of its changed fields. Raises AssertionError where the
    frontend would refuse to submit.
    """
    fields = serialized_schema(result)
    data = initial_data(fields)
    for key, value in (changes or {}).items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    missing = missing_required(fields, data)
    assert not missing, f"Not all required fields are filled in: {missing}"
    return {key: value for key, value in data.items() if value not in _EMPTY}

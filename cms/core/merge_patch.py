"""JSON Merge Patch (RFC 7396): objects merge key by key, `null` removes a key, anything else replaces."""

from typing import Any


def merge_patch(target: Any, patch: Any) -> Any:
    """merge_patch({"a": 1, "b": {"c": 2}}, {"b": {"c": None, "d": 3}}) -> {"a": 1, "b": {"d": 3}}."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result

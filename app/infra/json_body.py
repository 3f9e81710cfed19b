"""JSON from request bodies, with a bound on nesting: a deep body is refused, never a crash."""

import json
from typing import Any

# Trustmeter's bodies are a few levels deep; a few dozen leaves room for any honest client.
MAX_DEPTH = 32


class TooDeep(ValueError):
    """The JSON nests arrays or objects deeper than MAX_DEPTH."""


def loads(data: bytes | str, *, max_depth: int = MAX_DEPTH) -> Any:
    """json.loads, refusing nesting beyond `max_depth` (ValueError, like any bad JSON)."""
    try:
        value = json.loads(data)
    except RecursionError:
        raise TooDeep(f"nested more than {max_depth} levels deep") from None
    # Walked with a list, not recursion, so the check itself cannot run out of stack.
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        children = (
            item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        )
        for child in children:
            if isinstance(child, dict | list):
                if depth + 1 > max_depth:
                    raise TooDeep(f"nested more than {max_depth} levels deep")
                pending.append((child, depth + 1))
    return value

"""Rules the OpenAPI document states for what comes in, where the check itself stays in the
domain's service (so a young person still gets its kind sentence and ``code``): the schema
tells the truth about what is accepted, the service words the refusal.

Use inside ``Annotated[...]`` beside the ``msgspec.Meta`` that the decoder enforces, e.g.
``Annotated[str, msgspec.Meta(max_length=500), NOT_BLANK]``."""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec

# Some character that is not a space (and, as everywhere, no NUL character: see backend/openapi.py).
NOT_BLANK_PATTERN = r"^[^\x00]*[^\s\x00][^\x00]*$"


def stated(**rules: Any) -> msgspec.Meta:
    """JSON Schema keywords (Litestar's names: ``pattern``, ``enum``, ``minimum``...) for the
    document only; msgspec does not check ``extra_json_schema``."""
    return msgspec.Meta(extra_json_schema={"extra": rules})


NOT_BLANK = stated(pattern=NOT_BLANK_PATTERN)


def one_of(values: Any) -> msgspec.Meta:
    """A text that must be one of ``values`` (checked by the service, which says which).
    ``null`` is listed too: where the field may be null the type says so, and where it may
    not, the type (a string) already refuses it."""
    return stated(enum=[*sorted(values), None])


T = TypeVar("T")


def typed(kind: type[T], value: Any) -> T:
    """A service's plain answer as the struct the document shows for it: the same JSON on
    the wire, and an answer that does not fit its schema fails loudly (a 500 in tests)
    instead of going out undocumented."""
    return msgspec.convert(value, kind)


class Out(msgspec.Struct, forbid_unknown_fields=True):
    """An answer built from a service's plain values with ``typed``: a key the struct does
    not name is an error, never silently left out of the answer."""

"""The typed answers and the rules the OpenAPI document states (backend/schema_rules.py,
backend/personal_data.py): fast checks of the pure parts."""

from __future__ import annotations

import re

import msgspec
import pytest

from backend.schema_rules import NOT_BLANK_PATTERN, Out, typed


@pytest.mark.parametrize("text", ["a", "  a ", "\u00a0x", "hello there", "   ", "", "\t\n", "\u00a0\u2003", "\r\n  "])
def test_not_blank_means_what_the_services_strip_means(text: str) -> None:
    # the services refuse text that is empty once stripped; the schema's pattern says the same
    assert bool(re.search(NOT_BLANK_PATTERN, text)) == bool(text.strip()), repr(text)


def test_not_blank_refuses_a_nul_character_too() -> None:
    assert re.search(NOT_BLANK_PATTERN, "a\x00b") is None


class _Answer(Out):
    id: str
    note: str | None
    extra: int | msgspec.UnsetType = msgspec.UNSET


def test_typed_keeps_the_wire_shape_and_refuses_keys_it_does_not_name() -> None:
    answer = typed(_Answer, {"id": "1", "note": None})
    assert msgspec.json.encode(answer) == b'{"id":"1","note":null}'  # null kept, an unset key left out
    assert msgspec.json.encode(typed(_Answer, {"id": "1", "note": "n", "extra": 2})) == b'{"id":"1","note":"n","extra":2}'
    with pytest.raises(msgspec.ValidationError):
        typed(_Answer, {"id": "1", "note": None, "surprise": True})


def test_every_registered_export_section_is_typed() -> None:
    import backend.app  # noqa: F401 - each domain registers its exporter when imported
    from backend.accounts.services import _EXPORTERS
    from backend.personal_data import PersonalData

    assert set(PersonalData.__struct_fields__) == {"account", "exported_at", "about", *_EXPORTERS}

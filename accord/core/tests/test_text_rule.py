"""The rule for stored text (accord/core/text.py) holds on every channel by construction: every
page form derives from the form base that applies it, every API input model from InputSchema,
and every string an API operation reads is a Text or LongText."""

from __future__ import annotations

import importlib
import pkgutil
import types
import typing
from typing import Any

import pytest
from django import forms
from pydantic import BaseModel

import accord
from accord.api.api import api
from accord.api.schemas import InputSchema, LongText, Text
from accord.core.errors import InvalidInput
from accord.core.forms import AccordForm, TextRuleMixin
from accord.core.text import (
    TextRefused,
    checked_text,
    clean_text,
    exportable,
    normalise_username,
    strip_unstorable,
)


def _import_every_module() -> None:
    for module in pkgutil.walk_packages(accord.__path__, "accord."):
        if ".tests" in module.name or ".migrations" in module.name:
            continue
        importlib.import_module(module.name)


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_subclasses(sub)}
    return found


def test_every_page_form_applies_the_text_rule():
    _import_every_module()
    ours = [
        form
        for form in _subclasses(forms.BaseForm)
        if form.__module__.startswith("accord.") and ".tests" not in form.__module__
    ]
    assert len(ours) >= 10  # the walk found the forms of every app
    forgotten = [f"{f.__module__}.{f.__name__}" for f in ours if not issubclass(f, TextRuleMixin)]
    assert not forgotten, f"derive these from accord.core.forms.AccordForm: {forgotten}"


class _Sample(AccordForm):
    name = forms.CharField(max_length=50)
    notes = forms.CharField(widget=forms.Textarea, required=False)
    kind = forms.ChoiceField(choices=[("a", "A")])


def test_form_base_refuses_control_and_bidi_characters_beside_the_field():
    form = _Sample({"name": "R\x071", "notes": "ok", "kind": "a"})
    assert not form.is_valid()
    assert "U+0007" in form.errors["name"][0]
    assert form.text_refused == ["name"]
    form = _Sample({"name": "R1\u202e", "notes": "", "kind": "a"})
    assert not form.is_valid() and "bidirectional" in form.errors["name"][0]
    form = _Sample({"name": "line\nbreak", "notes": "", "kind": "a"})
    assert not form.is_valid() and "Line breaks" in form.errors["name"][0]


def test_form_base_keeps_tabs_and_newlines_in_a_textarea():
    form = _Sample({"name": "R1", "notes": "first\r\nsecond\tthird", "kind": "a"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["notes"] == "first\nsecond\tthird"
    assert form.text_refused == []


# API ---------------------------------------------------------------------------------------


def _text_validators() -> set[Any]:
    return {
        m.func
        for alias in (Text, LongText)
        for m in typing.get_args(alias)[1:]
        if hasattr(m, "func")
    }


def _string_fields_without_rule(model: type[BaseModel], seen: set[type]) -> list[str]:
    """Names of str fields of the model (and the models it holds) that skip Text/LongText."""
    if model in seen:
        return []
    seen.add(model)
    validators = _text_validators()
    missing: list[str] = []

    def visit(annotation: Any, metadata: list[Any], where: str) -> None:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            base, *extra = typing.get_args(annotation)
            visit(base, [*metadata, *extra], where)
        elif origin in (typing.Union, types.UnionType, list, tuple, set, dict):
            for arg in typing.get_args(annotation):
                visit(arg, metadata, where)
        elif annotation is str:
            if not any(getattr(m, "func", None) in validators for m in metadata):
                missing.append(where)
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            missing.extend(_string_fields_without_rule(annotation, seen))

    for name, info in model.model_fields.items():
        visit(info.annotation, list(info.metadata), f"{model.__name__}.{name}")
    return missing


def _input_models() -> list[tuple[str, type[BaseModel]]]:
    """(operation, user schema) for every body, form, query and path model of the API."""
    found = []
    for router in api._get_bound_routers():
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for param_model in operation.models:
                    for info in param_model.model_fields.values():
                        annotation = info.annotation
                        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                            found.append((operation.view_func.__name__, annotation))
    return found


def test_every_api_input_model_refuses_unknown_fields():
    models = _input_models()
    names = {model.__name__ for _, model in models}
    assert {"PartIn", "PartPatch", "BomIn", "MemberIn", "TokenIn", "BomImportForm"} <= names
    every: set[type] = set()  # with the models they hold (BomIn's lines...)
    for _, model in models:
        _string_fields_without_rule(model, every)
    assert "BomLineIn" in {m.__name__ for m in every}
    loose = sorted(m.__name__ for m in every if not issubclass(m, InputSchema))
    assert not loose, f"derive these from accord.api.schemas.InputSchema: {loose}"
    for model in every:
        assert model.model_config.get("extra") == "forbid", model


def test_every_string_an_api_operation_reads_is_text_or_long_text():
    missing: list[str] = []
    seen: set[type] = set()
    for _, model in _input_models():
        missing += _string_fields_without_rule(model, seen)
    assert not missing, f"type these as Text or LongText (accord.api.schemas): {missing}"


# The rule itself -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["\x00", "\x07", "\x1b[31m", "\x7f", "\x85", "\u202e", "\u2066", "\ud800"]
)
def test_clean_text_refuses_control_bidi_and_invalid_characters(text):
    with pytest.raises(TextRefused):
        clean_text(f"R{text}1")
    with pytest.raises(TextRefused):
        clean_text(f"R{text}1", multiline=True)


def test_checked_text_names_the_field():
    with pytest.raises(InvalidInput) as refused:
        checked_text("Acme\x07", field="name")
    assert refused.value.detail == {"field": "name"}
    assert refused.value.http_status == 422
    assert checked_text("Acme – µΩ ± 日本", field="name") == "Acme – µΩ ± 日本"


def test_imports_and_exports_remove_what_the_rule_refuses_and_keep_the_rest():
    assert strip_unstorable("Res\x07istor\u202e 10k\tx\ny") == "Resistor 10k\tx\ny"
    assert exportable("a\x00b\x1bc\u2067d\ufffee\ud800f\n\tg") == "abcdef\n\tg"


@pytest.mark.parametrize(
    "spelling", ["name", " name", "name ", "NAME", "Name", "ｎａｍｅ", "ＮＡＭＥ"]
)
def test_usernames_have_one_spelling(spelling):
    assert normalise_username(spelling) == "name"

"""Questionnaire definitions: validated, immutable models of range, scales and items."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from app.scoring.definition_rules import (
    PARTY_KINDS,
    DefinitionError,
    DefinitionProblem,
    consistency_problems,
)

__all__ = ["PARTY_KINDS", "DefinitionError", "DefinitionProblem", "QuestionnaireDefinition"]

# Ids end up in URLs, CSV headers and SPSS variable names, so keep them plain.
Key = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_.-]*$", max_length=64)]
Role = Literal["propensity", "analysis", "area", "meta"]
TargetKind = Literal["client", "contractor", "partner", "other"]

_CONFIG = ConfigDict(strict=True, extra="forbid", frozen=True)


class LocalizedText(BaseModel):
    """A text in every language the product speaks."""

    model_config = _CONFIG

    nl: str
    en: str

    @field_validator("nl", "en")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("translation is empty")
        return value

    def get(self, language: str) -> str:
        """The text in `language`, falling back to English for unknown languages."""
        return self.nl if language == "nl" else self.en


class ScaleRange(BaseModel):
    """The Likert range every item shares, and whether "don't know" is offered."""

    model_config = _CONFIG

    min: int
    max: int
    dont_know: bool = True

    @model_validator(mode="after")
    def _at_least_three_points(self) -> Self:
        if self.max - self.min + 1 < 3:
            raise ValueError(
                f"range must have at least 3 points, got min={self.min} max={self.max}"
            )
        return self

    @property
    def points(self) -> list[int]:
        """Every valid answer value, low to high."""
        return list(range(self.min, self.max + 1))


class Anchor(BaseModel):
    """The label shown for one point of the range."""

    model_config = _CONFIG

    value: int
    label: LocalizedText


class ScaleDefinition(BaseModel):
    """A scale: its key, its role in the matrix and how it is presented."""

    model_config = _CONFIG

    key: Key
    role: Role
    # The title names the construct for coaches; respondents see only the plain `heading`
    # ("What {party} delivers"), since a construct name primes the answers.
    title: LocalizedText
    description: LocalizedText | None = None
    heading: LocalizedText | None = None


class ItemDefinition(BaseModel):
    """One statement; `{party}` in its text stands for the other party's name."""

    model_config = _CONFIG

    id: Key
    scale: Key
    reverse: bool = False
    text: LocalizedText
    # None: asked about every party; else only about target parties of these kinds.
    target_kinds: list[TargetKind] | None = None

    def fits(self, kind: str | None) -> bool:
        """Whether the item is asked about a party of `kind` (None: kind unknown, asked)."""
        return self.target_kinds is None or kind is None or kind in self.target_kinds


class QuestionnaireDefinition(BaseModel):
    """A complete, internally consistent questionnaire version."""

    model_config = _CONFIG

    key: Key
    version: int = Field(ge=1)
    title: LocalizedText
    range: ScaleRange
    anchors: list[Anchor] = Field(default_factory=list)
    scales: list[ScaleDefinition]
    items: list[ItemDefinition]
    # Asked once per target party after its statements; `{party}` is that party's name.
    comment_prompt: LocalizedText | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        problems = consistency_problems(self)
        if problems:
            # Raised as a ValueError so pydantic wraps it; load_definition unwraps the list.
            raise DefinitionError(problems)
        return self

    def scale(self, key: str) -> ScaleDefinition:
        """The scale with `key`; KeyError when there is none."""
        for scale in self.scales:
            if scale.key == key:
                return scale
        raise KeyError(key)

    def items_of(self, scale_key: str) -> list[ItemDefinition]:
        """The items of one scale, in questionnaire order."""
        return [item for item in self.items if item.scale == scale_key]

    def items_for(self, scale_key: str, kind: str | None) -> list[ItemDefinition]:
        """The items of one scale that are asked about a target party of `kind`."""
        return [item for item in self.items if item.scale == scale_key and item.fits(kind)]

    def item(self, item_id: str) -> ItemDefinition:
        """The item with `item_id`; KeyError when there is none."""
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def anchor(self, value: int) -> LocalizedText | None:
        """The label of one range point, if the definition gives one."""
        return next((a.label for a in self.anchors if a.value == value), None)

    @property
    def propensity_scale(self) -> ScaleDefinition:
        return next(s for s in self.scales if s.role == "propensity")

    @property
    def analysis_scale(self) -> ScaleDefinition:
        return next(s for s in self.scales if s.role == "analysis")

    @property
    def area_scales(self) -> list[ScaleDefinition]:
        return [s for s in self.scales if s.role == "area"]

    @property
    def meta_scale(self) -> ScaleDefinition | None:
        return next((s for s in self.scales if s.role == "meta"), None)

    @property
    def item_ids(self) -> list[str]:
        return [item.id for item in self.items]


def load_definition(data: Mapping[str, Any]) -> QuestionnaireDefinition:
    """Validate raw (JSON-shaped) data; DefinitionError lists every problem found."""
    if not isinstance(data, Mapping):
        raise DefinitionError([DefinitionProblem("", "definition must be an object")])
    try:
        return QuestionnaireDefinition.model_validate(dict(data))
    except ValidationError as exc:
        raise DefinitionError(_problems_from(exc)) from None


def _problems_from(exc: ValidationError) -> list[DefinitionProblem]:
    problems: list[DefinitionProblem] = []
    for error in exc.errors():
        path = _path(error["loc"])
        cause = error.get("ctx", {}).get("error")
        if isinstance(cause, DefinitionError):
            problems.extend(
                DefinitionProblem(_join(path, p.path), p.message) for p in cause.problems
            )
        else:
            problems.append(DefinitionProblem(path, _message(error)))
    return problems


def _message(error: Any) -> str:
    loc = error["loc"]
    if error["type"] == "missing" and loc and loc[-1] in ("nl", "en"):
        return f"missing translation '{loc[-1]}'"
    if error["type"] == "missing":
        return "is required"
    if error["type"] == "extra_forbidden":
        return "unknown field"
    cause = error.get("ctx", {}).get("error")
    if error["type"] == "value_error" and cause is not None:
        return str(cause)
    return str(error["msg"])


def _path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        path = f"{path}[{part}]" if isinstance(part, int) else _join(path, part)
    return path


def _join(prefix: str, suffix: str) -> str:
    if not prefix:
        return suffix
    if not suffix:
        return prefix
    return f"{prefix}{suffix}" if suffix.startswith("[") else f"{prefix}.{suffix}"

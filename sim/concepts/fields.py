"""The value types a scenario file is written in: strict models (a typo is an error), actor codes, and numbers
that refuse to be read from `true`."""

from __future__ import annotations

import types
import typing
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator

CODE_PATTERN = r"^[A-Z]{2,3}$"
Code = Annotated[str, Field(pattern=CODE_PATTERN, description="ISO 3166-1 alpha-3 code, or EU")]


def _not_bool(value: Any) -> Any:
    """pydantic would read `true` as 1; no number in a scenario is ever meant as a yes/no."""
    if isinstance(value, bool):
        raise ValueError(f"must be a number, got {str(value).lower()}")
    return value


Unit = Annotated[float, Field(ge=0.0, le=1.0), BeforeValidator(_not_bool)]
Signed = Annotated[float, Field(ge=-1.0, le=1.0), BeforeValidator(_not_bool)]


class Strict(BaseModel):
    # allow_inf_nan=False: `.nan` and `.inf` are YAML numbers, but no figure or weight can be one.
    model_config = ConfigDict(extra="forbid", frozen=False, allow_inf_nan=False)

    @field_validator("*", mode="before")
    @classmethod
    def _numbers_are_not_bools(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, bool) and info.field_name in cls.model_fields:
            tp = cls.model_fields[info.field_name].annotation
            union = typing.get_origin(tp) in (typing.Union, types.UnionType)
            members = typing.get_args(tp) if union else (tp,)
            if bool not in members and any(m in (int, float) for m in members):
                return _not_bool(value)
        return value

"""Request bodies of the REST API, validated at the boundary."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr


class CreateConversation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lang: Literal["en", "es"] = "en"
    customer: dict[str, Any] = Field(default_factory=dict)
    channel: StrictStr = Field(default="api", min_length=1, max_length=32)
    #: Force a variant of the running experiment (QA); none: the allocation chooses.
    variant: StrictStr | None = Field(default=None, min_length=1, max_length=32)


class PostMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: StrictStr


class PostOutcome(BaseModel):
    model_config = ConfigDict(extra="forbid")

    converted: StrictBool
    value: float | None = Field(default=None, ge=0)

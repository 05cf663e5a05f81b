"""The OpenAPI 3.1 document of the REST API (kept beside the handlers; a test checks both agree)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from voice_agent import __version__
from voice_agent.analysis.base import DETECTION_THRESHOLD
from voice_agent.core.labels import ACTIONS, LANGS, NEEDS, OBJECTIONS, OFFERS, PHASES
from voice_agent.generation.base import GENERATION_ERRORS
from voice_agent.generation.guardrails import RULES as GUARDRAIL_RULES

_ERROR = {"$ref": "#/components/schemas/Error"}
#: The demo's routes: no key from a local browser on a loopback-bound server (the empty
#: requirement), otherwise an API key as Basic password or Bearer token.
DEMO_SECURITY: list[dict[str, list[str]]] = [{}, {"basic": []}, {"bearer": []}]


def _err(desc: str) -> dict[str, Any]:
    return {"description": desc, "content": {"application/json": {"schema": _ERROR}}}


def _add_limit_responses(paths: dict[str, Any]) -> None:
    """Every ``/v1/`` operation taking an API key may answer 429 (:mod:`voice_agent.limits`)."""
    creates = {("/v1/conversations", "post"), ("/v1/realtime/client_secrets", "post")}
    for path, item in paths.items():
        for method, op in item.items():
            responses = op.get("responses", {})
            if not path.startswith("/v1/") or "401" not in responses or "429" in responses:
                continue
            desc = "Too many requests for this API key (`rate_limited`)"
            if (path, method) in creates:
                desc += "; or the key's conversations for the UTC day are spent (`quota_exceeded`)"
            responses["429"] = {
                **_err(desc),
                "headers": {
                    "Retry-After": {
                        "description": "Seconds to wait before retrying",
                        "schema": {"type": "integer", "minimum": 1},
                    }
                },
            }


def _ok(desc: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": desc, "content": {"application/json": {"schema": schema}}}


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
_IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Makes a retry safe: the same key (per tenant, for a day) gets the same "
    "reply and the request is stored once. Another request with the same key is refused "
    "(`idempotency_key_reused`).",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
}

_COMMON_ERRORS = {
    "400": _err("Body is not valid JSON (`invalid_json`), or a key in the URL (`api_key_in_url`)"),
    "401": _err("Missing or invalid API key (`unauthorized`, `invalid_api_key`)"),
    "403": _err(
        "The key's role may not do this (`insufficient_scope`: a metrics key on the "
        "conversation API)"
    ),
    "413": _err("Body larger than the limit (`payload_too_large`)"),
    "422": _err("A field is missing, of the wrong type or out of range (`invalid_field`)"),
}


def _twilio_request(
    operation: str,
    summary: str,
    fields: tuple[str, ...],
    answer: str,
    parameters: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A request Twilio makes: signed (no API key), form-encoded, answered with TwiML."""
    signature = {
        "name": "X-Twilio-Signature",
        "in": "header",
        "required": True,
        "schema": {"type": "string"},
    }
    form = {"type": "object", "properties": {f: {"type": "string"} for f in fields}}
    return {
        "operationId": operation,
        "summary": summary,
        "security": [],
        "parameters": [*(parameters or []), signature],
        "requestBody": {
            "required": True,
            "content": {"application/x-www-form-urlencoded": {"schema": form}},
        },
        "responses": {
            "200": {"description": answer, "content": {"text/xml": {"schema": {"type": "string"}}}},
            "403": _err("`signature_missing` or `signature_invalid`"),
            "413": _err("`payload_too_large`"),
            "503": _err("`telephony_not_configured`: set the Twilio settings"),
        },
    }


_IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "schema": {"type": "string"},
}


def _asset_responses(
    desc: str, media_types: tuple[str, ...], *, missing: bool = False
) -> dict[str, Any]:
    """A static file: its body (with an ETag, and CORS open to every origin), or a 304."""
    out: dict[str, Any] = {
        "200": {
            "description": f"{desc} (Access-Control-Allow-Origin: *)",
            "headers": {"ETag": {"schema": {"type": "string"}}},
            "content": {t: {"schema": {"type": "string"}} for t in media_types},
        },
        "304": {"description": "Not modified (If-None-Match matched the ETag)"},
    }
    if missing:
        out["404"] = _err("No such file (`not_found`)")
    return out


def openapi_document(variants: Sequence[str] = ()) -> dict[str, Any]:
    """The document of this server: ``variants``, the arms of its running experiment (none:
    no experiment runs, and a create request names no variant)."""
    label_score = {
        "type": "object",
        "required": ["label", "p"],
        "properties": {"label": {"type": "string"}, "p": {"type": "number"}},
    }
    schemas: dict[str, Any] = {
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {
                "error": {
                    "type": "object",
                    "required": ["code", "message"],
                    "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
                }
            },
        },
        "Insights": {
            "type": "object",
            "required": [
                "objections",
                "needs",
                "buying_signal",
                "conversion_probability",
                "next_action",
                "phase",
                "fallbacks",
            ],
            "properties": {
                "objections": {
                    "type": "array",
                    "items": label_score,
                    "description": f"Detected objections (p >= {DETECTION_THRESHOLD}), most "
                    f"likely first; labels: {', '.join(OBJECTIONS)}",
                },
                "needs": {
                    "type": "array",
                    "items": label_score,
                    "description": f"Detected needs (p >= {DETECTION_THRESHOLD}), most likely "
                    f"first; labels: {', '.join(NEEDS)}",
                },
                "buying_signal": {
                    "type": "object",
                    "required": ["value", "p"],
                    "properties": {"value": {"type": "boolean"}, "p": {"type": "number"}},
                    "description": "An explicit yes to the offer, or asking how to start, is "
                    "a buying signal (p >= 0.9)",
                },
                "conversion_probability": {
                    "type": "number",
                    "minimum": 0,
                    "maximum": 1,
                    "description": "After the customer said yes, and while no objection is "
                    "open, it does not fall below the turn before",
                },
                "next_action": {
                    "type": ["object", "null"],
                    "required": ["name", "reason"],
                    "properties": {
                        "name": {"type": "string", "enum": list(ACTIONS)},
                        "reason": {"type": "string"},
                        "objection": {"type": "string"},
                        "need": {"type": "string"},
                        "program": {"type": "string"},
                        "accepted": {
                            "type": "string",
                            "enum": list(OFFERS),
                            "description": "close only: the customer said yes to this offer; "
                            "the reply confirms it and gives the playbook's next step",
                        },
                        "topic": {
                            "type": "string",
                            "description": "answer_question only: the playbook's FAQ topic "
                            "that answers the customer's question (absent: no entry matched)",
                        },
                    },
                },
                "phase": {"type": "string", "enum": list(PHASES)},
                "fallbacks": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "Analysers answered by the rule-based fallback this turn",
                },
                "models": {"type": "object", "additionalProperties": {"type": "string"}},
                "variant": {"type": "string", "description": "The experiment variant"},
            },
        },
        "Turn": {
            "type": "object",
            "required": ["index", "role", "text", "created_at"],
            "properties": {
                "index": {"type": "integer"},
                "role": {"type": "string", "enum": ["agent", "customer"]},
                "text": {"type": "string"},
                "created_at": {"type": "number"},
                "insights": {"$ref": "#/components/schemas/Insights"},
                "timings_ms": {"type": "object", "additionalProperties": {"type": "number"}},
                "action": {"type": "string"},
                "truncated": {"type": "boolean"},
                "dtmf": {"type": "string", "description": "Phone keys pressed in the turn"},
                "generation": {"$ref": "#/components/schemas/GenerationNote"},
            },
        },
        "Experiment": {
            "type": "object",
            "required": ["experiment", "allocation", "variants", "shares", "min_share"],
            "properties": {
                "experiment": {"type": "string"},
                "allocation": {"type": "string", "enum": ["fixed", "thompson"]},
                "min_share": {"type": "number"},
                "shares": {"type": "object", "additionalProperties": {"type": "number"}},
                "unknown_variant": {"type": "integer"},
                "variants": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["variant", "conversations", "decided", "conversions"],
                        "properties": {
                            "variant": {"type": "string"},
                            "conversations": {"type": "integer"},
                            "decided": {"type": "integer", "description": "with an outcome"},
                            "conversions": {"type": "integer"},
                            "conversion_rate": {"type": ["number", "null"]},
                            "interval95": {
                                "type": ["array", "null"],
                                "items": {"type": "number"},
                                "description": "Wilson score interval of the rate",
                            },
                            "p_best": {"type": "number"},
                            "mean_turns": {"type": ["number", "null"]},
                            "p95_turn_ms": {"type": ["number", "null"]},
                            "analyser_fallback_rate": {"type": ["number", "null"]},
                            "generator_fallback_rate": {"type": ["number", "null"]},
                        },
                    },
                },
            },
        },
        "GenerationNote": {
            "type": "object",
            "description": "Agent turns only, and only when the reply is not the one the "
            "generator was asked for: the LLM failed or its circuit was open (error), or a "
            "sentence it wrote broke a playbook rule (error 'guardrail', never spoken)",
            "required": ["error"],
            "properties": {
                "error": {"type": "string", "enum": list(GENERATION_ERRORS)},
                "fallback": {"type": "string", "enum": ["playbook"]},
                "truncated": {"type": "boolean"},
                "guardrail": {"type": "string", "enum": list(GUARDRAIL_RULES)},
                "guardrail_found": {"type": "string"},
                "llm_status": {"type": "integer"},
            },
        },
        "Conversation": {
            "type": "object",
            "required": ["id", "lang", "channel", "customer", "phase", "status", "created_at"],
            "properties": {
                "id": {"type": "string"},
                "lang": {"type": "string", "enum": ["en", "es"]},
                "channel": {"type": "string"},
                "customer": {"type": "object"},
                "phase": {"type": "string", "enum": list(PHASES)},
                "status": {"type": "string", "enum": ["open", "ended"]},
                "created_at": {"type": "number"},
                "ended_at": {"type": ["number", "null"]},
                "outcome": {"type": ["object", "null"]},
                "end_reason": {
                    "type": ["string", "null"],
                    "enum": [
                        "caller_hung_up",
                        "agent_hand_off",
                        "timeout",
                        "error",
                        "no_customer_turn",
                        "server_shutdown",
                        "client_not_reading",
                        None,
                    ],
                    "description": "Why a call ended; null for text conversations",
                },
                "tags": {"type": "object"},
                "turns": {"type": "array", "items": {"$ref": "#/components/schemas/Turn"}},
            },
        },
    }
    create_body: dict[str, Any] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "lang": {"type": "string", "enum": ["en", "es"], "default": "en"},
            "customer": {
                "type": "object",
                "description": "Profile: name, age, profession, budget (low|medium|high)...",
            },
            "channel": {"type": "string", "default": "api", "minLength": 1, "maxLength": 32},
        },
    }
    if variants:
        create_body["properties"]["variant"] = {
            "type": "string",
            "enum": list(variants),
            "description": "Force a variant of the running experiment (QA)",
        }
    created = {
        "type": "object",
        "required": ["id", "lang", "channel", "phase", "created_at", "greeting"],
        "properties": {
            "id": {"type": "string"},
            "lang": {"type": "string"},
            "channel": {"type": "string"},
            "phase": {"type": "string"},
            "created_at": {"type": "number"},
            "greeting": {
                "type": "object",
                "required": ["text"],
                "properties": {"text": {"type": "string"}},
            },
        },
    }
    message_body = {
        "type": "object",
        "required": ["text"],
        "additionalProperties": False,
        "properties": {"text": {"type": "string", "minLength": 1}},
    }
    message_reply = {
        "type": "object",
        "required": ["conversation_id", "turn", "reply", "insights", "timings_ms"],
        "properties": {
            "conversation_id": {"type": "string"},
            "turn": {"type": "integer"},
            "reply": {
                "type": "object",
                "required": ["text"],
                "properties": {"text": {"type": "string"}},
            },
            "insights": {"$ref": "#/components/schemas/Insights"},
            "timings_ms": {"type": "object", "additionalProperties": {"type": "number"}},
            "generation": {"$ref": "#/components/schemas/GenerationNote"},
        },
    }
    outcome_body = {
        "type": "object",
        "required": ["converted"],
        "additionalProperties": False,
        "properties": {
            "converted": {"type": "boolean"},
            "value": {"type": ["number", "null"], "minimum": 0},
        },
    }
    conv_ref = {"$ref": "#/components/schemas/Conversation"}
    secret_body = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "expires_after": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "anchor": {"type": "string", "enum": ["created_at"]},
                    "seconds": {"type": "integer", "minimum": 10, "maximum": 3600, "default": 600},
                },
            },
            "session": {
                "type": "object",
                "description": "As in session.update: audio formats, turn detection, "
                "transcription language (or `language`), voice, `customer`, `greeting`, "
                "instructions. What is set here, and the language and customer always, "
                "cannot be changed by the session",
            },
        },
    }
    secret_answer = {
        "type": "object",
        "required": ["value", "expires_at", "session"],
        "properties": {
            "value": {"type": "string", "pattern": "^ek_"},
            "expires_at": {"type": "integer", "description": "Unix seconds"},
            "session": {"type": "object", "description": "The session's settings"},
        },
    }
    demo_secret_body = {
        "type": "object",
        "additionalProperties": False,
        "properties": {"lang": {"type": "string", "enum": list(LANGS), "default": "en"}},
    }
    paths: dict[str, Any] = {
        "/v1/conversations": {
            "post": {
                "operationId": "createConversation",
                "summary": "Start a conversation; the reply carries the agent's greeting",
                "requestBody": _body(create_body),
                "responses": {
                    "201": _ok("Created", created),
                    **_COMMON_ERRORS,
                    "503": _err("The server is stopping (`shutting_down`): retry elsewhere"),
                },
            },
            "get": {
                "operationId": "listConversations",
                "summary": "Recent conversations, newest first (without turns): an agent key's "
                "tenant's, or everyone's for an admin key",
                "parameters": [
                    {
                        "name": "limit",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 1, "maximum": 500},
                    }
                ],
                "responses": {
                    "200": _ok(
                        "List",
                        {
                            "type": "object",
                            "required": ["conversations"],
                            "properties": {"conversations": {"type": "array", "items": conv_ref}},
                        },
                    ),
                    "401": _COMMON_ERRORS["401"],
                    "403": _COMMON_ERRORS["403"],
                    "422": _COMMON_ERRORS["422"],
                },
            },
        },
        "/v1/conversations/{id}": {
            "get": {
                "operationId": "getConversation",
                "summary": "The whole conversation with every turn's insights and timings",
                "parameters": [_ID],
                "responses": {
                    "200": _ok("Conversation", conv_ref),
                    "401": _COMMON_ERRORS["401"],
                    "403": _COMMON_ERRORS["403"],
                    "404": _err("Unknown id, or another tenant's (`conversation_not_found`)"),
                },
            }
        },
        "/v1/conversations/{id}/messages": {
            "post": {
                "operationId": "postMessage",
                "summary": "A customer turn: returns the agent's reply and the turn's insights",
                "parameters": [_ID, _IDEMPOTENCY_KEY],
                "requestBody": _body(message_body),
                "responses": {
                    "200": _ok(
                        "Reply (a retry with the same Idempotency-Key: the same)", message_reply
                    ),
                    **_COMMON_ERRORS,
                    "404": _err("Unknown id, or another tenant's (`conversation_not_found`)"),
                    "409": _err(
                        "The conversation has ended (`conversation_ended`); the message with "
                        "this Idempotency-Key was stored but the server stopped before its "
                        "reply (`idempotent_request_incomplete`)"
                    ),
                    "422": _err(
                        "`empty_text`, `text_too_long`, `invalid_field`, "
                        "`invalid_idempotency_key` or `idempotency_key_reused`"
                    ),
                },
            }
        },
        "/v1/conversations/{id}/outcome": {
            "post": {
                "operationId": "postOutcome",
                "summary": "Record the outcome; ends the conversation",
                "parameters": [_ID, _IDEMPOTENCY_KEY],
                "requestBody": _body(outcome_body),
                "responses": {
                    "200": _ok("Ended conversation (without turns)", conv_ref),
                    **_COMMON_ERRORS,
                    "404": _err("Unknown id, or another tenant's (`conversation_not_found`)"),
                    "409": _err(
                        "Already ended (`conversation_ended`); the same Idempotency-Key in "
                        "use elsewhere (`idempotency_key_in_use`)"
                    ),
                    "422": _err(
                        "`invalid_field`, `invalid_idempotency_key` or `idempotency_key_reused`"
                    ),
                },
            }
        },
        "/v1/realtime/client_secrets": {
            "post": {
                "operationId": "createRealtimeClientSecret",
                "summary": "Mint a client secret (ek_...) that opens one /v1/realtime session "
                "with these session settings fixed (OpenAI's shape); REST routes refuse it",
                "requestBody": _body(secret_body),
                "responses": {
                    "200": _ok("The client secret", secret_answer),
                    **_COMMON_ERRORS,
                    "401": _err(
                        "Missing or invalid API key (`unauthorized`, `invalid_api_key`, "
                        "`client_secret_not_allowed`)"
                    ),
                    "422": _err(
                        "`invalid_field` (the field is named), or the code session.update "
                        "gives the same session (`unsupported_language`, `invalid_value`, "
                        "`unsupported_audio_format`)"
                    ),
                },
            }
        },
        "/v1/telephony/twilio/voice": {
            "post": _twilio_request(
                "twilioVoiceWebhook",
                "Twilio's voice webhook: answers TwiML connecting the call to the media stream at "
                "/v1/telephony/twilio/stream (signed with X-Twilio-Signature)",
                ("CallSid", "From", "To"),
                "TwiML <Connect><Stream>",
                [
                    {
                        "name": "lang",
                        "in": "query",
                        "schema": {"type": "string", "enum": list(LANGS)},
                    }
                ],
            )
        },
        "/v1/telephony/twilio/after": {
            "post": _twilio_request(
                "twilioAfterStream",
                "Twilio's request when a call's stream ends (<Connect action>, set with "
                "VOICE_AGENT_TWILIO_HAND_OFF_NUMBER): <Dial> the number after a hand-off or a "
                "failure, else <Hangup/>",
                ("CallSid",),
                "TwiML <Dial> or <Hangup/>",
            )
        },
        "/": {
            "get": {
                "operationId": "demoPage",
                "security": DEMO_SECURITY,
                "summary": "The browser demo page (talk to the agent, watch the insights). "
                "On a server listening on loopback it needs no key from a local browser; "
                "otherwise (or behind a proxy) it takes the API key as the password of HTTP "
                "Basic credentials (any user name) or as a Bearer token. VOICE_AGENT_DEMO: "
                "auto (loopback only), on, off",
                "responses": {
                    "200": {
                        "description": "The page (with a Content-Security-Policy)",
                        "content": {"text/html": {"schema": {"type": "string"}}},
                    },
                    "401": _err(
                        "A key is needed and missing or wrong (`unauthorized`, "
                        "`invalid_api_key`); asks for Basic credentials"
                    ),
                    "404": _err("The demo is off on this server (`demo_disabled`)"),
                },
            }
        },
        "/demo/client_secret": {
            "post": {
                "operationId": "createDemoClientSecret",
                "security": DEMO_SECURITY,
                "summary": "The demo page's client secret (ek_...): one /v1/realtime session "
                "in the language asked, valid 60 s. Same access rule as /: no key on a "
                "loopback-bound server from a local browser, otherwise the API key as HTTP "
                "Basic password or Bearer token. Only the page itself may ask (`Origin`)",
                "requestBody": _body(demo_secret_body),
                "responses": {
                    "200": _ok("The client secret", secret_answer),
                    **_COMMON_ERRORS,
                    "401": _err(
                        "A key is needed and missing or wrong (`unauthorized`, "
                        "`invalid_api_key`); asks for Basic credentials"
                    ),
                    "403": _err("Another site's page asked (`origin_not_allowed`)"),
                    "404": _err("The demo is off on this server (`demo_disabled`)"),
                    "422": _err(
                        "`invalid_field` (an unknown field), or the language is not offered "
                        "(`unsupported_language`, `invalid_value`)"
                    ),
                },
            }
        },
        "/widget.js": {
            "get": {
                "operationId": "widgetScript",
                "summary": 'The embeddable voice widget: <script src=".../widget.js" '
                "data-token-url=...>; served to any origin, revalidated with its ETag",
                "security": [],
                "parameters": [_IF_NONE_MATCH],
                "responses": _asset_responses("The script", ("text/javascript",)),
            }
        },
        "/static/{name}": {
            "get": {
                "operationId": "staticFile",
                "summary": "The widget's and the demo page's other files (widget-worklet.js, "
                "demo.js, demo.css); served to any origin, revalidated with their ETag",
                "security": [],
                "parameters": [
                    {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}},
                    _IF_NONE_MATCH,
                ],
                "responses": _asset_responses(
                    "The file", ("text/javascript", "text/css"), missing=True
                ),
            }
        },
        "/healthz": {
            "get": {
                "operationId": "healthz",
                "security": [],
                "responses": {"200": _ok("Alive", {"type": "object"})},
            }
        },
        "/readyz": {
            "get": {
                "operationId": "readyz",
                "security": [],
                "summary": 'Readiness: `{"status": ..., "calls": {"active", "max"}}` for anyone; '
                "with a metrics or admin key (Authorization: Bearer), the details: store, "
                "models (and which fell back), generator, speech. `?for=calls`: 503 "
                "`no_speech` without speech, `at_capacity` when every call slot "
                "(VOICE_AGENT_MAX_CALLS) is taken: the load balancer's check of the call routes",
                "parameters": [
                    {
                        "name": "for",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string", "enum": ["calls"]},
                    }
                ],
                "responses": {
                    "200": _ok("Ready", {"type": "object"}),
                    "401": _err("A key was sent and it is not valid (`invalid_api_key`)"),
                    "403": _err("A key was sent without the metrics or admin role"),
                    "422": _err("`for` is not `calls` (`invalid_field`)"),
                    "503": _ok(
                        "Not ready, `shutting_down` (SIGTERM: the server takes no new calls) or,"
                        " with `for=calls`, `no_speech` or `at_capacity`",
                        {"type": "object"},
                    ),
                },
            }
        },
        "/metrics": {
            "get": {
                "operationId": "metrics",
                "summary": "Prometheus metrics (a metrics or admin key: Authorization: Bearer)",
                "responses": {
                    "200": {
                        "description": "Prometheus text format",
                        "content": {"text/plain": {"schema": {"type": "string"}}},
                    },
                    "401": _COMMON_ERRORS["401"],
                    "403": _err("The key is not a metrics or admin key (`insufficient_scope`)"),
                },
            }
        },
        "/v1/experiments": {
            "get": {
                "operationId": "listExperiments",
                "summary": "The running A/B experiment (VOICE_AGENT_EXPERIMENT) per variant: "
                "conversations, outcomes, conversion rate with its 95% interval, the "
                "probability of being best, mean turns, p95 turn time, fallback rates, and "
                "each variant's share of new conversations now (admin or metrics key)",
                "responses": {
                    "200": _ok(
                        "Experiments (none, or the running one)",
                        {
                            "type": "object",
                            "required": ["experiments"],
                            "properties": {
                                "experiments": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/Experiment"},
                                }
                            },
                        },
                    ),
                    "401": _COMMON_ERRORS["401"],
                    "403": _err("The key is not a metrics or admin key (`insufficient_scope`)"),
                },
            }
        },
        "/v1/openapi.json": {
            "get": {
                "operationId": "openapi",
                "security": [],
                "responses": {"200": _ok("This document", {"type": "object"})},
            }
        },
    }
    _add_limit_responses(paths)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "voice-agent",
            "version": __version__,
            "description": "Real-time voice sales agent. The realtime voice API is a "
            "WebSocket at /v1/realtime speaking a subset of the OpenAI Realtime protocol. "
            "Phone calls: Twilio Media Streams at the WebSocket /v1/telephony/twilio/stream "
            "(opened by the TwiML of the voice webhook), and Asterisk AudioSocket on its own "
            "TCP port (VOICE_AGENT_AUDIOSOCKET_PORT). "
            "Browsers: /widget.js embeds a talk button in any page (with a client secret from "
            "your backend), and / is a demo page using it (on by itself on a loopback "
            "address; VOICE_AGENT_DEMO).",
            "license": {"name": "GPL-3.0-or-later", "identifier": "GPL-3.0-or-later"},
        },
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "basic": {
                    "type": "http",
                    "scheme": "basic",
                    "description": "the demo: any user name, an API key as the password",
                },
            },
        },
    }

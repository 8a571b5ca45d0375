"""`outpost mcp`: the Model Context Protocol on stdio, over the same engine as the window.

An assistant drafts, checks against every network's rules, schedules into free slots and reads
the stats through the tools of INTERFACE.md "Assistants (MCP)". Each tool is one of the command
line's own functions (`cli/commands.py`), so its input is the same pydantic request (its JSON
schema is the tool's input schema), its output the same JSON and its errors the same messages.

Safe by default: drafts and schedules only; publishing at once needs `--allow-publish`. Every
call is written to `logs/mcp.log` (tool, arguments, outcome; secrets redacted, none returned:
no tool reads a token or the keyring). A bad call is an error result naming the field and what
to do; the server keeps serving.

Built on the official SDK's low-level `Server` (mcp ≥ 2): its handlers take the schema we give,
where `MCPServer` would derive one from a Python signature and duplicate the request models.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mcp_types as types
import pydantic
from mcp.server.lowlevel import Server
from mcp.server.mcpserver.exceptions import ResourceError
from mcp.server.stdio import stdio_server

from outpost import __version__
from outpost.cli import assistant_context as context
from outpost.cli import commands, stats
from outpost.cli.outcome import Outcome
from outpost.cli.render import error_json
from outpost.cli.requests import PostCreateRequest, PostEditRequest
from outpost.cli.tool_requests import (
    BestTimesRequest,
    MediaInspectRequest,
    PostListRequest,
    PostRef,
    PostScheduleRequest,
    SlotsListRequest,
    StatsPostRequest,
    StatsSummaryRequest,
)
from outpost.domain.errors import KnownError, Problem, ValidationError
from outpost.engine import Engine
from outpost.log import RedactingFormatter, RotatingFile, redact

log = logging.getLogger("outpost.mcp")


class NoInput(pydantic.BaseModel):
    """A tool that takes nothing."""

    model_config = pydantic.ConfigDict(extra="forbid")


@dataclass(frozen=True)
class Tool:
    """One tool: its name, what it does, its request model and the command it runs."""

    name: str
    description: str
    request: type[pydantic.BaseModel]
    run: Callable[[Engine, Any], Awaitable[Outcome]]
    read_only: bool = False


def classify(error: KnownError) -> str:
    """The error code the command line gives this error in its JSON."""
    from outpost.cli import _classify

    return _classify(error)[0]


async def _accounts_list(engine: Engine, _: NoInput) -> Outcome:
    return await commands.list_accounts(engine)


async def _post_create(engine: Engine, request: PostCreateRequest) -> Outcome:
    return await commands.create_post(engine, request)


async def _post_list(engine: Engine, request: PostListRequest) -> Outcome:
    return await commands.list_posts(
        engine, request.status, tag=request.tag, campaign=request.campaign, search=request.search or ""
    )


async def _post_show(engine: Engine, request: PostRef) -> Outcome:
    return await commands.post_outcome(engine, await engine.posts.get(request.post))


async def _post_edit(engine: Engine, request: PostEditRequest) -> Outcome:
    return await commands.edit_post(engine, request)


async def _post_schedule(engine: Engine, request: PostScheduleRequest) -> Outcome:
    return await commands.post_outcome(
        engine, await engine.posts.schedule(request.post, request.at, request.tz)
    )


async def _post_cancel(engine: Engine, request: PostRef) -> Outcome:
    return await commands.post_outcome(engine, await engine.posts.cancel(request.post))


async def _slots_list(engine: Engine, request: SlotsListRequest) -> Outcome:
    return await commands.list_slots(engine, request.account)


async def _stats_post(engine: Engine, request: StatsPostRequest) -> Outcome:
    return await stats.post_stats(engine, request.post)


async def _stats_summary(engine: Engine, request: StatsSummaryRequest) -> Outcome:
    network = request.network.value if request.network else None
    return await stats.stats_summary(
        engine, request.start, request.end, request.account, network, request.tag, request.campaign
    )


async def _best_times(engine: Engine, request: BestTimesRequest) -> Outcome:
    network = request.network.value if request.network else None
    return await stats.best_times(engine, request.account, network, request.tz)


async def _media_inspect(engine: Engine, request: MediaInspectRequest) -> Outcome:
    return await commands.inspect_media(engine, request.path, request.networks, field="path")


TOOLS: tuple[Tool, ...] = (
    Tool(
        "accounts_list",
        "The connected accounts, with their health (no secrets).",
        NoInput,
        _accounts_list,
        True,
    ),
    Tool(
        "post_create",
        "Create a post: a draft by default, scheduled with `at`. Checked against every chosen network's "
        "rules; a draft may break them (the result's `warnings` say what to fix). Publishing at once "
        "(`now`) needs the server started with --allow-publish.",
        PostCreateRequest,
        _post_create,
    ),
    Tool("post_list", "Posts, optionally only those with one status.", PostListRequest, _post_list, True),
    Tool("post_show", "One post with its per-network targets.", PostRef, _post_show, True),
    Tool(
        "post_edit",
        "Change a draft, scheduled or failed post; fields left out keep what the post has.",
        PostEditRequest,
        _post_edit,
    ),
    Tool("post_schedule", "Give a post a time to go out.", PostScheduleRequest, _post_schedule),
    Tool("post_cancel", "Cancel a scheduled post (it stays, as cancelled).", PostRef, _post_cancel),
    Tool(
        "slots_list",
        "The posting schedules (the default and each account's, in their zones) that `next_slot` fills.",
        SlotsListRequest,
        _slots_list,
        True,
    ),
    Tool(
        "stats_post",
        "How one published post did on each network, over time.",
        StatsPostRequest,
        _stats_post,
        True,
    ),
    Tool(
        "stats_summary",
        "A period's totals (posts, impressions, engagements, rate as a percent, followers gained), per "
        "network, and the top posts — computed on this computer from the creator's own history.",
        StatsSummaryRequest,
        _stats_summary,
        True,
    ),
    Tool(
        "best_times",
        "The weekday hours whose posts did best, each with the number of posts it rests on (too little "
        "history: an empty list and a message).",
        BestTimesRequest,
        _best_times,
        True,
    ),
    Tool(
        "media_inspect",
        "What Outpost knows about a file on this computer, and whether each network takes it.",
        MediaInspectRequest,
        _media_inspect,
        True,
    ),
)


class AssistantServer:
    """The tools, resources and prompt of `outpost mcp` over one open engine."""

    def __init__(self, engine: Engine, *, allow_publish: bool, log_folder: Path | None = None) -> None:
        self.engine = engine
        self.allow_publish = allow_publish
        self.tools = {tool.name: tool for tool in TOOLS}
        self._calls = _call_log(log_folder)
        self.server: Server[Any] = Server(
            "outpost",
            version=__version__,
            instructions=(
                "Outpost publishes a creator's posts to their social networks from their own computer. "
                "Draft and schedule posts here; the creator's Outpost window (or `outpost run`) publishes "
                "them. Read accounts_list first; check a draft's `warnings` before scheduling it."
            ),
            on_list_tools=self._list_tools,
            on_call_tool=self._call_tool,
            on_list_resources=self._list_resources,
            on_read_resource=self._read_resource,
            on_list_prompts=self._list_prompts,
            on_get_prompt=self._get_prompt,
        )

    async def serve_stdio(self) -> None:
        """Serve one client on stdin/stdout until it closes the connection."""
        async with stdio_server() as (read_stream, write_stream):
            await self.server.run(read_stream, write_stream, self.server.create_initialization_options())

    # -- tools ----------------------------------------------------------------------------------

    async def _list_tools(
        self, ctx: Any, params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        return types.ListToolsResult(
            tools=[
                types.Tool(
                    name=tool.name,
                    description=tool.description,
                    input_schema=tool.request.model_json_schema(),
                    annotations=types.ToolAnnotations(read_only_hint=tool.read_only),
                )
                for tool in self.tools.values()
            ]
        )

    async def _call_tool(self, ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
        return await self.call(params.name, params.arguments or {})

    async def call(self, name: str, arguments: dict[str, Any]) -> types.CallToolResult:
        """Run one tool; every failure is an error result, never a crash of the server."""
        try:
            document = await self._run(name, arguments)
        except KnownError as error:
            self._log(name, arguments, f"error: {error.text()}")
            body = error_json(error, classify(error))
            return _result(body, error=True, text=error.text())
        except Exception as error:  # a bug: say so, keep serving
            log.exception("bug in MCP tool %s", name)
            self._log(name, arguments, f"internal error: {type(error).__name__}")
            message = f"internal error in {name} ({type(error).__name__}); details are in Outpost's log."
            return _result(
                {"error": {"code": "internal_error", "message": message}}, error=True, text=message
            )
        self._log(name, arguments, _summary(document))
        return _result(document)

    async def _run(self, name: str, arguments: dict[str, Any]) -> Any:
        tool = self.tools.get(name)
        if tool is None:
            known = ", ".join(self.tools)
            raise ValidationError.single("name", f"there is no tool {name!r}; the tools are: {known}.")
        try:
            request = tool.request.model_validate(arguments)
        except pydantic.ValidationError as error:
            raise _named(error) from None
        if getattr(request, "now", False) and not self.allow_publish:
            raise ValidationError.single(
                "now",
                "now: publishing at once is off for assistants. Schedule the post with `at` (or save a "
                "draft); the creator can allow it by starting the server with `outpost mcp --allow-publish`.",
            )
        outcome = await tool.run(self.engine, request)
        return outcome.document

    # -- resources and the prompt ---------------------------------------------------------------

    async def _list_resources(
        self, ctx: Any, params: types.PaginatedRequestParams | None
    ) -> types.ListResourcesResult:
        return types.ListResourcesResult(
            resources=[
                types.Resource(name=name, uri=uri, description=description, mime_type="application/json")
                for uri, (name, description) in context.RESOURCES.items()
            ]
        )

    async def _read_resource(
        self, ctx: Any, params: types.ReadResourceRequestParams
    ) -> types.ReadResourceResult:
        try:
            document = await context.read_resource(self.engine, str(params.uri))
        except KnownError as error:
            self._log(f"resource {params.uri}", {}, f"error: {error.text()}")
            raise ResourceError(error.text()) from None
        self._log(f"resource {params.uri}", {}, "ok")
        text = context.as_text(document)
        return types.ReadResourceResult(
            contents=[
                types.TextResourceContents(uri=str(params.uri), mime_type="application/json", text=text)
            ]
        )

    async def _list_prompts(
        self, ctx: Any, params: types.PaginatedRequestParams | None
    ) -> types.ListPromptsResult:
        arguments = [
            types.PromptArgument(name="accounts", description="comma-separated accounts (default: all)"),
            types.PromptArgument(name="topic", description="what the post is about"),
        ]
        prompt = types.Prompt(
            name=context.DRAFT_PROMPT, description=context.DRAFT_PROMPT_DESCRIPTION, arguments=arguments
        )
        return types.ListPromptsResult(prompts=[prompt])

    async def _get_prompt(self, ctx: Any, params: types.GetPromptRequestParams) -> types.GetPromptResult:
        if params.name != context.DRAFT_PROMPT:
            raise ResourceError(f"there is no prompt {params.name!r}; the prompt is {context.DRAFT_PROMPT}.")
        try:
            text = await context.draft_prompt(self.engine, params.arguments or {})
        except KnownError as error:
            raise ResourceError(error.text()) from None
        message = types.PromptMessage(role="user", content=types.TextContent(type="text", text=text))
        return types.GetPromptResult(description=context.DRAFT_PROMPT_DESCRIPTION, messages=[message])

    def _log(self, name: str, arguments: dict[str, Any], result: str) -> None:
        self._calls.info("%s %s -> %s", name, redact(json.dumps(arguments, ensure_ascii=False)), result)


def _named(error: pydantic.ValidationError) -> ValidationError:
    """Pydantic's complaints as Outpost's problems: the field, what is wrong, what to do."""
    problems = []
    for item in error.errors():
        field = ".".join(str(part) for part in item["loc"]) or "arguments"
        what = item["msg"]
        if item["type"] == "missing":
            what = "required; give it (see the tool's input schema)"
        elif item["type"] == "extra_forbidden":
            what = "not an argument of this tool; see its input schema for the ones it takes"
        problems.append(Problem(field=field, rule=item["type"], actual=None, message=f"{field}: {what}"))
    return ValidationError(problems)


def _result(document: Any, *, error: bool = False, text: str | None = None) -> types.CallToolResult:
    body = json.dumps(document, ensure_ascii=False, indent=2)
    content: list[types.ContentBlock] = [types.TextContent(type="text", text=body)]
    if text is not None:
        content.insert(0, types.TextContent(type="text", text=text))
    structured = document if isinstance(document, dict) else {"items": document}
    return types.CallToolResult(content=content, structured_content=structured, is_error=error)


def _summary(document: Any) -> str:
    if isinstance(document, list):
        return f"{len(document)} item(s)"
    if isinstance(document, dict) and "id" in document:
        return f"{document['id']} {document.get('status', '')}".strip()
    return "ok"


def _call_log(folder: Path | None) -> logging.Logger:
    """`logs/mcp.log`: one line per tool call, private to the user like every log (issue #25)."""
    calls = logging.getLogger("outpost.mcp.calls")
    calls.setLevel(logging.INFO)
    if folder is not None and not any(getattr(h, "_outpost_mcp", False) for h in calls.handlers):
        handler = RotatingFile(folder / "mcp.log", max_bytes=2_000_000, backups=3)
        handler.setFormatter(RedactingFormatter("%(asctime)s %(message)s"))
        handler._outpost_mcp = True  # type: ignore[attr-defined]
        calls.addHandler(handler)
    return calls

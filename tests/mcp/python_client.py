"""Drives a Patinox MCP server with the official Python SDK (`mcp` on PyPI).

Usage: python_client.py stdio <server command...>
       python_client.py http <url>

Lists the tools, calls `add` (asking for progress) and `shout`, then `wait`
with a 1 s timeout, which sends `notifications/cancelled`. Prints one JSON
object per line for the Rust test to check: {"tools": [...]}, then
{"call": name, "text": ..., "is_error": ..., "progress": [...]} per call, then
{"call": "wait", "timed_out": true|false}.
"""

import asyncio
import json
import sys

from mcp import Client, StdioServerParameters


def text_of(result):
    return "".join(part.text for part in result.content if getattr(part, "type", "") == "text")


async def main(argv):
    mode, rest = argv[0], argv[1:]
    if mode == "stdio":
        server = StdioServerParameters(command=rest[0], args=rest[1:])
    elif mode == "http":
        server = rest[0]
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    async with Client(server, read_timeout_seconds=30) as client:
        listed = await client.list_tools()
        tools = [
            {"name": t.name, "description": t.description, "schema": t.input_schema}
            for t in listed.tools
        ]
        print(json.dumps({"tools": tools}), flush=True)
        for name, arguments in (("add", {"a": 2, "b": 3.5}), ("shout", {"text": 7})):
            progress = []

            async def on_progress(done, total, message):
                progress.append(done)

            result = await client.call_tool(name, arguments, progress_callback=on_progress)
            line = {
                "call": name,
                "text": text_of(result),
                "is_error": bool(result.is_error),
                "progress": progress,
            }
            print(json.dumps(line), flush=True)
        try:
            await client.call_tool("wait", {}, read_timeout_seconds=1)
            timed_out = False
        except Exception:
            timed_out = True
        print(json.dumps({"call": "wait", "timed_out": timed_out}), flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))

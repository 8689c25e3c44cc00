//! An MCP server over stdio that completes the handshake and lists one tool,
//! `probe`, then misbehaves when it is called, as its argument says:
//!
//! - `malformed`: answers with a line that is not JSON-RPC;
//! - `silent`: never answers (and never exits on its own);
//! - `oversized`: answers with a 4 MiB message;
//! - `exit`: exits in the middle of the call.
//!
//! The MCP tests use it to check that the client fails fast and cleanly. In
//! mode `changing` it behaves: a call answers `"called"`; the first adds a tool,
//! `second`, announced with `notifications/tools/list_changed`.

use std::io::{BufRead, Write};

use serde_json::{Value, json};

fn send(out: &mut impl Write, message: &Value) {
    let _ = writeln!(out, "{message}");
    let _ = out.flush();
}

fn tool(name: &str) -> Value {
    json!({
        "name": name,
        "description": "A test tool.",
        "inputSchema": {"type": "object", "properties": {}}
    })
}

fn main() {
    let mode = std::env::args().nth(1).unwrap_or_default();
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    let mut tools = vec![tool("probe")];
    for line in stdin.lock().lines() {
        let Ok(line) = line else { return };
        let Ok(request) = serde_json::from_str::<Value>(&line) else {
            continue;
        };
        let Some(id) = request.get("id").cloned() else {
            continue; // a notification
        };
        let result = match request["method"].as_str().unwrap_or_default() {
            "initialize" => json!({
                "protocolVersion": request["params"]["protocolVersion"],
                "capabilities": {"tools": {}},
                "serverInfo": {"name": "hostile", "version": "0"}
            }),
            "tools/list" => json!({"tools": tools}),
            "tools/call" => match mode.as_str() {
                "malformed" => {
                    let _ = writeln!(out, "{{\"jsonrpc\": \"2.0\", \"id\": oops");
                    let _ = out.flush();
                    continue;
                }
                "silent" => continue,
                "oversized" => json!({"content": [{"type": "text", "text": "x".repeat(4 << 20)}]}),
                "changing" => {
                    if tools.len() == 1 {
                        tools.push(tool("second"));
                    }
                    let changed =
                        json!({"jsonrpc": "2.0", "method": "notifications/tools/list_changed"});
                    send(&mut out, &changed);
                    // The client handles notifications on their own task:
                    // give it a moment before the answer resumes the agent.
                    std::thread::sleep(std::time::Duration::from_millis(100));
                    json!({"content": [{"type": "text", "text": "called"}]})
                }
                _ => std::process::exit(3),
            },
            "ping" => json!({}),
            _ => {
                let error = json!({"code": -32601, "message": "method not found"});
                send(
                    &mut out,
                    &json!({"jsonrpc": "2.0", "id": id, "error": error}),
                );
                continue;
            }
        };
        send(
            &mut out,
            &json!({"jsonrpc": "2.0", "id": id, "result": result}),
        );
    }
}

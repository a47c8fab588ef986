// Drives an MCP server over stdio with the official MCP TypeScript SDK client and records the
// session as JSON. Used by the relay's McpClientIT; nothing here knows the server's internals.
//
//   node client.mjs plan.json transcript.json
//
// plan.json: {"command": "...", "args": [...], "cwd": "...",
//             "argumentsByTool": {"query": {...}, ...},   // the call made for each listed tool
//             "calls": [{"name": "...", "arguments": {...}}, ...],   // extra calls, in order
//             "prompt": {"name": "...", "arguments": {...}}}
import { readFileSync, writeFileSync } from "node:fs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const [planFile, outFile] = process.argv.slice(2);
const plan = JSON.parse(readFileSync(planFile, "utf8"));
const transcript = { steps: [] };

function record(step) {
  transcript.steps.push(step);
}

async function call(client, name, args) {
  try {
    const result = await client.callTool({ name, arguments: args });
    record({ request: "tools/call", name, arguments: args, result });
  } catch (e) {
    record({ request: "tools/call", name, arguments: args, thrown: String(e && e.message) });
  }
}

const transport = new StdioClientTransport({
  command: plan.command,
  args: plan.args,
  cwd: plan.cwd,
  stderr: "inherit",
});
const client = new Client({ name: "causeflow-mcp-it", version: "1.0.0" });
try {
  await client.connect(transport);
  transcript.serverVersion = client.getServerVersion();
  transcript.serverCapabilities = client.getServerCapabilities();
  transcript.instructions = client.getInstructions();
  const tools = await client.listTools();
  record({ request: "tools/list", result: tools });
  for (const tool of tools.tools) {
    const ids = tool.inputSchema?.properties?.resourceId?.enum;
    const args = plan.argumentsByTool?.[tool.name] ?? (ids ? { resourceId: ids[0] } : {});
    await call(client, tool.name, args);
  }
  for (const c of plan.calls ?? []) {
    await call(client, c.name, c.arguments);
  }
  const prompts = await client.listPrompts();
  record({ request: "prompts/list", result: prompts });
  if (plan.prompt) {
    const prompt = await client.getPrompt(plan.prompt);
    record({ request: "prompts/get", name: plan.prompt.name, arguments: plan.prompt.arguments,
      result: prompt });
  }
  transcript.ok = true;
} catch (e) {
  transcript.ok = false;
  transcript.error = String(e && e.stack || e);
} finally {
  await client.close().catch(() => {});
  writeFileSync(outFile, JSON.stringify(transcript, null, 2));
}
process.exit(transcript.ok ? 0 : 1);

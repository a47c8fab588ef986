// Starts an MCP server command over stdio with the official MCP TypeScript SDK client and prints
// its tools and prompts. Usage: node list-tools.mjs <command> [args...]
//   node list-tools.mjs java -jar ../../../../demo/target/causeflow-demo.jar --mcp
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error("usage: node list-tools.mjs <command> [args...]");
  process.exit(2);
}
const client = new Client({ name: "list-tools", version: "1.0.0" });
await client.connect(new StdioClientTransport({ command, args, stderr: "ignore" }));
const server = client.getServerVersion();
console.log(`${server.name} ${server.version}`);
for (const tool of (await client.listTools()).tools) {
  const ids = tool.inputSchema?.properties?.resourceId?.enum;
  console.log(`  tool ${tool.name.padEnd(16)} ${tool.title ?? ""}${ids ? ` (on ${ids.join(", ")})` : ""}`);
}
for (const prompt of (await client.listPrompts()).prompts) {
  console.log(`  prompt ${prompt.name}: ${prompt.description ?? ""}`);
}
await client.close();

/**
 * Agent tools over configured data sources: {@link ai.causeflow.dbaccess.agent.tools.ToolCatalogue}
 * generates one tool per operation the policies allow (list_resources, list_tables,
 * describe_table, query, explain and the backends' DBA reads), each with a JSON Schema for its
 * input and output, read-only annotations and a description written for the model, and runs tool
 * calls through the same read-only pipeline (policy, masking, audit, limits). MCP servers and Java
 * agent frameworks adapt it; it depends on core and Jackson only.
 */
@NullMarked
package ai.causeflow.dbaccess.agent.tools;

import org.jspecify.annotations.NullMarked;

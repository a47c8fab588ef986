package ai.causeflow.dbaccess.core;

/**
 * The stable, public reason for every refusal or failure. The names are the {@code data.reason}
 * values of the relay protocol (docs/protocol.md) and never change meaning once released.
 *
 * <p>Each code carries the JSON-RPC error code it maps to and whether retrying the same request
 * later may succeed.
 *
 * <pre>{@code
 * try {
 *   ds.execute(QueryRequest.query("SELECT * FROM orders").build());
 * } catch (DbAccessException e) {
 *   if (e.code() == ErrorCode.TABLE_NOT_ALLOWED) { ... }
 *   if (e.retryable()) { ... back off and retry ... }
 * }
 * }</pre>
 *
 * <p>Thread-safety: an enum; immutable.
 */
public enum ErrorCode {
  /** The message was not JSON (relay only). */
  PARSE_ERROR(-32700, false),
  /** The message was JSON but not a JSON-RPC request (relay only). */
  INVALID_REQUEST(-32600, false),
  /** Unknown JSON-RPC method (relay only). */
  METHOD_NOT_FOUND(-32601, false),
  /** A parameter is missing, of the wrong type, or out of range. */
  INVALID_PARAMS(-32602, false),

  /** No resource with that id is configured. */
  RESOURCE_NOT_FOUND(-32001, false),
  /** The operation is not in the resource's {@code allowedOperations}, or the backend lacks it. */
  OPERATION_NOT_ALLOWED(-32001, false),
  /**
   * The statement does not parse: malformed, or written in syntax the validator does not support;
   * the caller should fix or rewrite the statement (unlike {@link #QUERY_BLOCKED}, asking for
   * permission would not help). Decided before the database, so reported under the refusals'
   * JSON-RPC code {@code -32001}; a syntax error the database itself reports (SQLSTATE 42601,
   * rare: the validator parses first) carries this reason too.
   */
  QUERY_INVALID(-32001, false),
  /** The statement is not a plain read, or calls a denied function. */
  QUERY_BLOCKED(-32001, false),
  /** The statement touches a table outside {@code allowedTables} or inside {@code blockedTables}. */
  TABLE_NOT_ALLOWED(-32001, false),
  /** The statement selects a column in {@code blockedColumns}. */
  COLUMN_NOT_ALLOWED(-32001, false),

  /** The database rejected or failed the statement. */
  QUERY_FAILED(-32002, false),
  /** The statement ran past its timeout and was cancelled. */
  TIMEOUT(-32002, true),
  /** The database could not be reached or the connection broke. */
  CONNECTION_FAILED(-32002, true),
  /** Not even one row fits in {@code maxResultBytes}. */
  RESULT_TOO_LARGE(-32002, false),

  /** The relay is at capacity (worker pool and queue full); retry later. */
  RELAY_BUSY(-32003, true),

  /** The request was cancelled by its caller (ext). */
  CANCELLED(-32002, false),
  /** The configuration is invalid; raised at start-up, never on the wire. */
  CONFIG_INVALID(-32603, false),
  /**
   * The data source was closed before the call: a programming error in the caller (use after
   * {@code close()}); no retry can succeed. Reported under JSON-RPC {@code -32603}.
   */
  DATA_SOURCE_CLOSED(-32603, false),
  /** A bug: something the library did not expect. */
  INTERNAL(-32603, false);

  private final int jsonRpcCode;
  private final boolean retryable;

  ErrorCode(int jsonRpcCode, boolean retryable) {
    this.jsonRpcCode = jsonRpcCode;
    this.retryable = retryable;
  }

  /** The JSON-RPC 2.0 error code this reason is reported under. */
  public int jsonRpcCode() {
    return jsonRpcCode;
  }

  /** Whether the same request may succeed if retried later. */
  public boolean retryable() {
    return retryable;
  }

  /** True for the refusals that are decided before anything reaches a database. */
  public boolean isPolicyRefusal() {
    return jsonRpcCode == -32001;
  }
}

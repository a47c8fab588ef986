package ai.causeflow.dbaccess.postgres.internal;

import java.util.Objects;
import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import java.sql.SQLException;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Maps a driver exception onto a {@link DbAccessException} by SQLSTATE alone. The driver's message
 * is never read: PostgreSQL quotes values in it ({@code invalid input syntax for type integer:
 * "secret"}), so only the code and a fixed description of the condition survive.
 */
public final class SqlErrors {
  /** Condition names for the SQLSTATEs an investigator most often meets (no data in them). */
  private static final Map<String, String> NAMES = Map.ofEntries(
      Map.entry("42601", "syntax_error"),
      Map.entry("42P01", "undefined_table"),
      Map.entry("42703", "undefined_column"),
      Map.entry("42883", "undefined_function"),
      Map.entry("42804", "datatype_mismatch"),
      Map.entry("42725", "ambiguous_function"),
      Map.entry("42702", "ambiguous_column"),
      Map.entry("42803", "grouping_error"),
      Map.entry("42P02", "undefined_parameter"),
      Map.entry("42P18", "indeterminate_datatype"),
      Map.entry("42501", "insufficient_privilege"),
      Map.entry("22P02", "invalid_text_representation"),
      Map.entry("22003", "numeric_value_out_of_range"),
      Map.entry("22012", "division_by_zero"),
      Map.entry("22007", "invalid_datetime_format"),
      Map.entry("22008", "datetime_field_overflow"),
      Map.entry("22023", "invalid_parameter_value"),
      Map.entry("22001", "string_data_right_truncation"),
      Map.entry("21000", "cardinality_violation"),
      Map.entry("25006", "read_only_sql_transaction"),
      Map.entry("25001", "active_sql_transaction"),
      Map.entry("25P02", "in_failed_sql_transaction"),
      Map.entry("0A000", "feature_not_supported"),
      Map.entry("54000", "program_limit_exceeded"),
      Map.entry("53400", "configuration_limit_exceeded"),
      Map.entry("54001", "statement_too_complex"),
      Map.entry("53100", "disk_full"),
      Map.entry("53200", "out_of_memory"),
      Map.entry("53300", "too_many_connections"),
      Map.entry("55000", "object_not_in_prerequisite_state"),
      Map.entry("55P03", "lock_not_available"),
      Map.entry("57014", "query_canceled"),
      Map.entry("57P01", "admin_shutdown"),
      Map.entry("57P02", "crash_shutdown"),
      Map.entry("57P03", "cannot_connect_now"),
      Map.entry("25P03", "idle_in_transaction_session_timeout"),
      Map.entry("28000", "invalid_authorization_specification"),
      Map.entry("28P01", "invalid_password"),
      Map.entry("3D000", "invalid_catalog_name"),
      Map.entry("2201B", "invalid_regular_expression"),
      Map.entry("2202E", "array_subscript_error"),
      Map.entry("40001", "serialization_failure"),
      Map.entry("40P01", "deadlock_detected"));

  private SqlErrors() {}

  /**
   * The coded exception for a driver failure during {@code what} (a fixed phrase such as
   * "executing the statement").
   */
  public static DbAccessException map(SQLException e, String what) {
    return map(e, what, null);
  }

  /**
   * As {@link #map(SQLException, String)}, for a failure of the caller's own {@code statement}:
   * an undefined column, table or function is named when, and only when, the name the server
   * reports appears as a word in that statement (so it is the caller's own text, never something
   * the database holds); the data source masks error messages before they leave.
   */
  public static DbAccessException map(SQLException e, String what, @Nullable String statement) {
    String state = e.getSQLState();
    if (isResultBufferExceeded(e)) {
      // pgjdbc refused a data row before allocating it; the connection is closed (and discarded
      // as fatal), so the row never reached this process's heap.
      return new DbAccessException(ErrorCode.RESULT_TOO_LARGE, "rows fetched in one round trip"
          + " exceeded the driver's result buffer (maxResultBuffer) while " + what
          + "; select fewer or smaller columns", state, e);
    }
    if (isClientOutOfMemory(e)) {
      // pgjdbc reports its own OutOfMemoryError as SQLSTATE 53200: not the database's condition.
      return new DbAccessException(ErrorCode.RESULT_TOO_LARGE, "this process ran out of memory"
          + " while " + what + " (a client-side condition, not a database error); select fewer"
          + " or smaller columns, or give the process more heap", null, e);
    }
    ErrorCode code = codeOf(state);
    String name = state == null ? null : NAMES.get(state);
    String condition = state == null
        ? "no SQLSTATE"
        : "SQLSTATE " + state + (name == null ? "" : " " + name);
    String message = switch (code) {
      case TIMEOUT -> "55P03".equals(state)
          ? "a lock was not granted within lock_timeout while " + what + " (" + condition + ")"
          : "the statement was cancelled at the database while " + what + " (" + condition + ")";
      case CONNECTION_FAILED -> "the database connection failed while " + what + ": "
          + connectionReason(e, what) + " (" + condition + ")";
      case QUERY_INVALID -> "the database could not parse the statement (" + condition
          + "); fix its syntax";
      default -> describeFailure(e, state, what, condition, statement);
    };
    // The cause is kept for stack traces in this process only; its message is never copied.
    return new DbAccessException(code, message, state, e);
  }

  /** Whether pgjdbc wrapped an {@link OutOfMemoryError} of this process into the exception. */
  static boolean isClientOutOfMemory(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof OutOfMemoryError) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /**
   * Which of the usual connection failures this is, in words: from the cause's type and the
   * SQLSTATE, and from pgjdbc's fixed English texts (recognised, never copied: the driver's
   * messages can name hosts and users).
   */
  static String connectionReason(SQLException e, String what) {
    boolean connecting = what.contains("connect");
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof java.net.UnknownHostException) {
        return "unknown host (the host name does not resolve); check connection.host";
      }
      if (t instanceof java.net.ConnectException) {
        return "connection refused (nothing accepts connections at that host and port); check"
            + " connection.host, connection.port and that the server is up";
      }
      if (t instanceof java.net.NoRouteToHostException) {
        return "no route to the host; check connection.host and the network";
      }
      if (t instanceof java.net.SocketTimeoutException) {
        return connecting
            ? "timed out connecting (connectTimeoutMs); check the host, port and firewall"
            : "timed out waiting for the database (the network timeout of the request); the"
                + " connection is dropped";
      }
      if (t instanceof javax.net.ssl.SSLException) {
        return "the TLS handshake failed (certificate not trusted, host name mismatch or no"
            + " common protocol); check connection.sslMode and the server certificate";
      }
    }
    String state = e.getSQLState();
    String m = e.getMessage() == null ? "" : e.getMessage();
    if (m.startsWith("The server does not support SSL")) {
      return "TLS is required (sslMode) but the server does not support it; use sslMode prefer"
          + " or disable, or enable TLS on the server";
    }
    if (m.startsWith("The server requested") && m.contains("no password was provided")) {
      return "bad credentials: the server asked for a password and none is configured; set"
          + " connection.password";
    }
    if (connecting && (m.startsWith("Connection attempt timed out") || m.contains("timed out"))) {
      return "timed out connecting (connectTimeoutMs); check the host, port and firewall";
    }
    if ("28P01".equals(state)) {
      return "bad credentials (password authentication failed); check connection.user and"
          + " connection.password";
    }
    if ("28000".equals(state)) {
      String server = serverText(e);
      if (server.contains("SSL off") || server.contains("no encryption")) {
        return "the server requires TLS for this host, user and database; set connection.sslMode"
            + " to require (or stricter)";
      }
      return "the server rejected the login (no pg_hba.conf entry for this host, user, database"
          + " and TLS setting, or the role may not log in)";
    }
    if ("3D000".equals(state)) {
      return "the database does not exist; check connection.database";
    }
    if ("53300".equals(state)) {
      return "the server has too many connections; retry later or lower poolSize";
    }
    if ("57P03".equals(state) || "57P01".equals(state) || "57P02".equals(state)) {
      return "the server is starting up or shutting down; retry later";
    }
    if ("25P03".equals(state)) {
      return "the session was idle in a transaction for too long and was closed";
    }
    if (state != null && state.startsWith("08")) {
      return "the connection could not be made or broke; check host, port and that the server"
          + " is up";
    }
    return "check host, port, credentials and that the server is up";
  }

  private static String serverText(SQLException e) {
    if (e instanceof org.postgresql.util.PSQLException p && p.getServerErrorMessage() != null) {
      String m = p.getServerErrorMessage().getMessage();
      return m == null ? "" : m;
    }
    return "";
  }

  /** The error code for a SQLSTATE. */
  public static ErrorCode codeOf(@Nullable String state) {
    if (state == null) {
      return ErrorCode.QUERY_FAILED;
    }
    if (state.startsWith("08") || state.startsWith("28") || state.equals("57P01")
        || state.equals("57P02") || state.equals("57P03") || state.equals("53300")
        || state.equals("3D000") || state.equals("25P03")) {
      return ErrorCode.CONNECTION_FAILED;
    }
    if (state.equals("57014") || state.equals("55P03")) {
      return ErrorCode.TIMEOUT;
    }
    if (state.equals("42601")) {
      return ErrorCode.QUERY_INVALID;
    }
    return ErrorCode.QUERY_FAILED;
  }

  /**
   * Whether pgjdbc refused rows because of its {@code maxResultBuffer} property. It has no
   * SQLSTATE of its own (08S01), so its fixed English text is the only sign; only recognised, never
   * copied into a message.
   */
  static boolean isResultBufferExceeded(SQLException e) {
    String m = e.getMessage();
    return "08S01".equals(e.getSQLState()) && m != null
        && m.startsWith("Result set exceeded maxResultBuffer limit");
  }

  /** Whether the connection that raised this can no longer be trusted and must be discarded. */
  public static boolean isFatal(SQLException e) {
    String state = e.getSQLState();
    return state == null || codeOf(state) == ErrorCode.CONNECTION_FAILED || isClientOutOfMemory(e);
  }

  /** Server messages naming the missing object: {@code column "x" does not exist} and kin. */
  private static final java.util.regex.Pattern MISSING = java.util.regex.Pattern.compile(
      "(column|relation|function|type|schema) (.{1,200}?) does not exist"
          + "|missing FROM-clause entry for table (.{1,200})");

  /**
   * The name of the undefined column, table or function, when the server reports one that
   * appears as a word in the caller's statement; otherwise null. The server's text is only
   * searched for a candidate: what is returned is a piece of the statement itself.
   */
  static @Nullable String missingName(SQLException e, @Nullable String statement) {
    if (statement == null) {
      return null;
    }
    java.util.regex.Matcher m = MISSING.matcher(serverText(e));
    if (!m.find()) {
      return null;
    }
    String raw = m.group(2) != null ? m.group(2) : m.group(3);
    int paren = raw.indexOf('(');
    if ("function".equals(m.group(1)) && paren > 0) {
      raw = raw.substring(0, paren);
    }
    String name = raw.replace("\"", "").strip();
    if (name.isEmpty() || name.length() > 128) {
      return null;
    }
    // the last part of a qualified name is the one the caller must fix (t.colum -> colum)
    String last = name.substring(name.lastIndexOf('.') + 1);
    return inStatement(statement, name) ? name : inStatement(statement, last) ? last : null;
  }

  /** Whether {@code word} occurs in {@code statement} with no identifier character either side. */
  static boolean inStatement(String statement, String word) {
    if (word.isEmpty()) {
      return false;
    }
    String hay = statement.toLowerCase(java.util.Locale.ROOT);
    String needle = word.toLowerCase(java.util.Locale.ROOT);
    for (int i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + 1)) {
      int end = i + needle.length();
      boolean before = i == 0 || !identifierChar(hay.charAt(i - 1));
      boolean after = end == hay.length() || !identifierChar(hay.charAt(end));
      if (before && after) {
        return true;
      }
    }
    return false;
  }

  private static boolean identifierChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '$';
  }

  private static String describeFailure(SQLException e, @Nullable String state, String what,
      String condition, @Nullable String statement) {
    String missing = "42703".equals(state) || "42P01".equals(state) || "42883".equals(state)
        ? missingName(e, statement) : null;
    if (missing != null) {
      String kind = switch (Objects.requireNonNull(state)) {
        case "42703" -> "column";
        case "42P01" -> "table";
        default -> "function";
      };
      String fix = switch (Objects.requireNonNull(state)) {
        case "42703" -> "; check the column names with describe_table";
        case "42P01" -> "; check the table names with list_tables";
        default -> "; check the function's name and argument types";
      };
      return "the database rejected the statement: " + kind + " '" + missing + "' does not exist ("
          + condition + ")" + fix;
    }
    if ("25006".equals(state)) {
      return "the database refused a write: the transaction is read-only (" + condition + ")";
    }
    if ("42501".equals(state)) {
      return "the database role lacks a privilege needed while " + what + " (" + condition
          + "); see the least-privilege guide in docs/postgres.md";
    }
    return "the database rejected the statement while " + what + " (" + condition + ")";
  }
}

package ai.causeflow.dbaccess.postgres.internal;

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
    String state = e.getSQLState();
    if (isResultBufferExceeded(e)) {
      // pgjdbc refused a data row before allocating it; the connection is closed (and discarded
      // as fatal), so the row never reached this process's heap.
      return new DbAccessException(ErrorCode.RESULT_TOO_LARGE, "rows fetched in one round trip"
          + " exceeded the driver's result buffer (maxResultBuffer) while " + what
          + "; select fewer or smaller columns", state, e);
    }
    if (e.getCause() instanceof OutOfMemoryError) {
      // pgjdbc ran out of this process's heap while receiving rows and turned it into an
      // exception (53200 is also the server's own out_of_memory, which has no such cause)
      return new DbAccessException(ErrorCode.RESULT_TOO_LARGE, "the rows did not fit in this "
          + "process's memory while " + what + "; select fewer or narrower rows, or lower "
          + "maxResultBytes", state, null);
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
      case CONNECTION_FAILED -> "the database connection failed while " + what + " (" + condition
          + "); check host, port, credentials and that the server is up";
      default -> describeFailure(state, what, condition);
    };
    // The cause is kept for stack traces in this process only; its message is never copied.
    return new DbAccessException(code, message, state, e);
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
    return state == null || codeOf(state) == ErrorCode.CONNECTION_FAILED;
  }

  private static String describeFailure(@Nullable String state, String what, String condition) {
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

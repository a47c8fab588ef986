package ai.causeflow.dbaccess.postgres;

import java.util.Arrays;
import java.util.Objects;

/**
 * A statement rewritten for pgjdbc: the protocol's {@code $1..$n} placeholders became JDBC
 * {@code ?} markers and the JSON/hstore operators {@code ?}, {@code ?|}, {@code ?&} became pgjdbc's
 * escaped {@code ??}, {@code ??|}, {@code ??&} so the driver does not take them for parameters.
 *
 * <pre>{@code
 * JdbcStatement j = PgLexer.toJdbc("SELECT * FROM t WHERE a = $2 OR b = $1 OR c = $2");
 * // j.sql() = "SELECT * FROM t WHERE a = ? OR b = ? OR c = ?"; j.parameterIndexes() = {2, 1, 2}
 * try (PreparedStatement ps = connection.prepareStatement(j.sql())) {
 *   for (int i = 0; i < j.parameterIndexes().length; i++) {
 *     ps.setObject(i + 1, parameters.get(j.parameterIndexes()[i] - 1));
 *   }
 * }
 * }</pre>
 *
 * <p>Thread-safety: immutable (the array is copied in and out).
 *
 * @param sql the text to hand to {@code Connection.prepareStatement}
 * @param parameterIndexes for each JDBC {@code ?} in order, the 1-based {@code $n} it binds
 * @param maxParameter the highest {@code n} used, 0 when there is none
 */
public record JdbcStatement(String sql, int[] parameterIndexes, int maxParameter) {
  public JdbcStatement {
    Objects.requireNonNull(sql, "sql");
    parameterIndexes = parameterIndexes.clone();
  }

  @Override
  public int[] parameterIndexes() {
    return parameterIndexes.clone();
  }

  /** Number of JDBC {@code ?} markers (a {@code $n} used twice counts twice). */
  public int markerCount() {
    return parameterIndexes.length;
  }

  /** The 1-based {@code $n} bound by the JDBC marker at {@code jdbcIndex} (1-based). */
  public int parameterFor(int jdbcIndex) {
    return parameterIndexes[jdbcIndex - 1];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JdbcStatement j && sql.equals(j.sql) && maxParameter == j.maxParameter
        && Arrays.equals(parameterIndexes, j.parameterIndexes);
  }

  @Override
  public int hashCode() {
    return Objects.hash(sql, maxParameter, Arrays.hashCode(parameterIndexes));
  }

  @Override
  public String toString() {
    return "JdbcStatement[sql=" + sql + ", parameterIndexes=" + Arrays.toString(parameterIndexes)
        + ", maxParameter=" + maxParameter + "]";
  }
}

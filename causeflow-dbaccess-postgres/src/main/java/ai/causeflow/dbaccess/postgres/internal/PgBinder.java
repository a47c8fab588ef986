package ai.causeflow.dbaccess.postgres.internal;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Binds JSON parameter values to {@code ?} placeholders (the lexer turned {@code $n} into them and
 * recorded which {@code n} each one is). Values are always sent separately from the SQL text in
 * the Bind message; nothing is spliced.
 *
 * <ul>
 *   <li>null: NULL of unspecified type (the server infers it from context)
 *   <li>boolean: bool; integers: int8; BigInteger and BigDecimal: numeric; double/float: float8
 *   <li>string: text of unspecified type, so {@code id = $1} with {@code "42"} infers int4 and
 *       {@code created_at > $1} with an ISO string infers timestamptz
 *   <li>list: an array literal of unspecified type ({@code {1,2,3}}) so {@code id = ANY($1)} works;
 *       elements are quoted, nested lists become nested arrays, maps inside become JSON text
 *   <li>map: JSON text of unspecified type ({@code data @> $1} infers jsonb)
 * </ul>
 */
final class PgBinder {
  private static final ObjectMapper JSON = new ObjectMapper();

  private PgBinder() {}

  static void bind(PreparedStatement ps, int[] parameterIndexes, List<@Nullable Object> values)
      throws SQLException {
    for (int i = 0; i < parameterIndexes.length; i++) {
      int n = parameterIndexes[i];
      if (n < 1 || n > values.size()) {
        throw new DbAccessException(ErrorCode.INVALID_PARAMS, "parameters: the statement uses $" + n
            + " but " + values.size() + " parameter(s) were given");
      }
      bindOne(ps, i + 1, values.get(n - 1));
    }
  }

  private static void bindOne(PreparedStatement ps, int pos, @Nullable Object v) throws SQLException {
    if (v == null) {
      ps.setNull(pos, Types.OTHER);
    } else if (v instanceof Boolean b) {
      ps.setBoolean(pos, b);
    } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      ps.setLong(pos, ((Number) v).longValue());
    } else if (v instanceof BigInteger b) {
      ps.setBigDecimal(pos, new BigDecimal(b));
    } else if (v instanceof BigDecimal d) {
      ps.setBigDecimal(pos, d);
    } else if (v instanceof Double || v instanceof Float) {
      ps.setDouble(pos, ((Number) v).doubleValue());
    } else if (v instanceof String s) {
      ps.setObject(pos, s, Types.OTHER);
    } else if (v instanceof List<?> l) {
      ps.setObject(pos, arrayLiteral(l), Types.OTHER);
    } else if (v instanceof Map<?, ?> m) {
      ps.setObject(pos, json(m), Types.OTHER);
    } else {
      throw new DbAccessException(ErrorCode.INVALID_PARAMS, "parameters: unsupported value type "
          + v.getClass().getSimpleName());
    }
  }

  /** PostgreSQL's array input syntax; every element double-quoted, NULL unquoted. */
  static String arrayLiteral(List<?> list) {
    StringBuilder b = new StringBuilder().append('{');
    for (int i = 0; i < list.size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      Object e = list.get(i);
      if (e == null) {
        b.append("NULL");
      } else if (e instanceof List<?> inner) {
        b.append(arrayLiteral(inner));
      } else {
        String s = e instanceof Map<?, ?> m ? json(m) : e.toString();
        b.append('"');
        for (int k = 0; k < s.length(); k++) {
          char c = s.charAt(k);
          if (c == '"' || c == '\\') {
            b.append('\\');
          }
          b.append(c);
        }
        b.append('"');
      }
    }
    return b.append('}').toString();
  }

  private static String json(Map<?, ?> m) {
    try {
      return JSON.writeValueAsString(m);
    } catch (JsonProcessingException e) {
      throw new DbAccessException(ErrorCode.INVALID_PARAMS, "parameters: an object could not be written as JSON");
    }
  }
}

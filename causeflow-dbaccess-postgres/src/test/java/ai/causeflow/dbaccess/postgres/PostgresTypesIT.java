package ai.causeflow.dbaccess.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import ai.causeflow.dbaccess.core.Column;
import ai.causeflow.dbaccess.core.DataSourceSettings;
import ai.causeflow.dbaccess.core.QueryRequest;
import ai.causeflow.dbaccess.core.QueryResult;
import ai.causeflow.dbaccess.postgres.testing.EmbeddedPostgresServer;
import ai.causeflow.dbaccess.postgres.testing.TestDatabase;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every PostgreSQL type the protocol names, read through the whole pipeline. */
class PostgresTypesIT {
  static TestDatabase db;
  static PostgresReadOnlyDataSource ds;

  @BeforeAll
  static void setUp() {
    db = EmbeddedPostgresServer.shared().createDatabase("types");
    db.execute("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')",
        "CREATE TABLE t (id serial PRIMARY KEY, b bool, i2 int2, i4 int4, i8 int8, f4 float4,"
            + " f8 float8, n numeric, n2 numeric(10,2), m money, tx text, vc varchar(10),"
            + " ch char(3), ts timestamp, tstz timestamptz, d date, tm time, tmtz timetz,"
            + " iv interval, by bytea, js json, jb jsonb, u uuid, ip inet, net cidr,"
            + " mood mood, ai int4[], at text[], a2 int4[][], ajb jsonb[], ats timestamptz[],"
            + " an numeric[], bits bit(4), r int4range, pt point)",
        "INSERT INTO t (b, i2, i4, i8, f4, f8, n, n2, m, tx, vc, ch, ts, tstz, d, tm, tmtz, iv,"
            + " by, js, jb, u, ip, net, mood, ai, at, a2, ajb, ats, an, bits, r, pt) VALUES"
            + " (true, 32767, -2147483648, 9007199254740993, 1.5, 0.1, 12345678901234567890.123,"
            + " 12.50, 12.34, 'héllo \"q\"', 'v', 'ab', '2024-02-29 13:14:15.123456',"
            + " '2024-02-29 13:14:15.5+02', '2024-02-29', '23:59:59.999', '10:00:00+02',"
            + " '1 year 2 mons 3 days 04:05:06.5', '\\x00ff10', '{\"a\": [1, 2.5, null]}',"
            + " '{\"big\": 12345678901234567890, \"x\": {\"y\": true}}',"
            + " 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '192.168.0.1/24', '10.0.0.0/8', 'happy',"
            + " '{1,NULL,3}', '{\"a,b\",\"c\\\"d\",\"b\\\\c\",NULL,\"NULL\"}', '{{1,2},{3,4}}',"
            + " ARRAY['{\"k\": 1}'::jsonb], ARRAY['2024-01-01 00:00:00+00'::timestamptz],"
            + " '{1.5,99999999999999999999}', B'1010', '[1,5)', '(1,2)')",
        "INSERT INTO t (b) VALUES (NULL)",
        "INSERT INTO t (i8, n, f8, ts, tstz, d) VALUES (42, 'NaN', 'Infinity', 'infinity',"
            + " '-infinity', 'infinity')",
        "INSERT INTO t (i8) VALUES (-9223372036854775808)");
    ds = PostgresReadOnlyDataSource.create(db.dataSource(), DataSourceSettings.builder("types")
        .build());
  }

  @AfterAll
  static void tearDown() {
    ds.close();
  }

  static QueryResult q(String sql) {
    return ds.execute(QueryRequest.query(sql).build());
  }

  @Test
  void mapsEveryTypeToJson() throws Exception {
    QueryResult r = q("SELECT * FROM t WHERE id = 1");
    Map<String, Object> row = r.rows().get(0);
    assertThat(row.get("id")).isEqualTo(1);
    assertThat(row.get("b")).isEqualTo(true);
    assertThat(row.get("i2")).isEqualTo(32767);
    assertThat(row.get("i4")).isEqualTo(-2147483648);
    assertThat(row.get("i8")).as("beyond 2^53: a string").isEqualTo("9007199254740993");
    assertThat(row.get("f4")).isEqualTo(1.5);
    assertThat(row.get("f8")).isEqualTo(0.1);
    assertThat(row.get("n")).as("more digits than a double holds").isEqualTo(
        "12345678901234567890.123");
    assertThat(row.get("n2")).isEqualTo(new BigDecimal("12.50"));
    assertThat(row.get("m")).isEqualTo("$12.34");
    assertThat(row.get("tx")).isEqualTo("héllo \"q\"");
    assertThat(row.get("vc")).isEqualTo("v");
    assertThat(row.get("ch")).isEqualTo("ab ");
    assertThat(row.get("ts")).isEqualTo("2024-02-29T13:14:15.123456");
    assertThat(row.get("tstz")).isEqualTo("2024-02-29T11:14:15.5Z");
    assertThat(row.get("d")).isEqualTo("2024-02-29");
    assertThat(row.get("tm")).isEqualTo("23:59:59.999");
    assertThat(row.get("tmtz")).isEqualTo("10:00:00+02:00");
    assertThat(row.get("iv")).isEqualTo("P1Y2M3DT4H5M6.5S");
    assertThat(Base64.getDecoder().decode((String) row.get("by")))
        .containsExactly(0x00, 0xff, 0x10);
    assertThat(row.get("js")).isEqualTo(Map.of("a", Arrays.asList(1L, new BigDecimal("2.5"),
        null)));
    Map<String, Object> jb = new LinkedHashMap<>();
    jb.put("x", Map.of("y", true));
    jb.put("big", "12345678901234567890");
    assertThat(row.get("jb")).isEqualTo(jb);
    assertThat(row.get("u")).isEqualTo("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    assertThat(row.get("ip")).isEqualTo("192.168.0.1/24");
    assertThat(row.get("net")).isEqualTo("10.0.0.0/8");
    assertThat(row.get("mood")).isEqualTo("happy");
    assertThat(row.get("ai")).isEqualTo(Arrays.asList(1L, null, 3L));
    assertThat(row.get("at")).isEqualTo(Arrays.asList("a,b", "c\"d", "b\\c", null, "NULL"));
    assertThat(row.get("a2")).isEqualTo(List.of(List.of(1L, 2L), List.of(3L, 4L)));
    assertThat(row.get("ajb")).isEqualTo(List.of(Map.of("k", 1L)));
    assertThat(row.get("ats")).isEqualTo(List.of("2024-01-01T00:00:00Z"));
    assertThat(row.get("an")).isEqualTo(List.of(new BigDecimal("1.5"), "99999999999999999999"));
    assertThat(row.get("bits")).isEqualTo("1010");
    assertThat(row.get("r")).isEqualTo("[1,5)");
    assertThat(row.get("pt")).isEqualTo("(1,2)");
    // The row is valid JSON as a whole.
    new ObjectMapper().writeValueAsString(row);

    Map<String, String> types = new LinkedHashMap<>();
    for (Column c : r.columns()) {
      types.put(c.name(), c.type());
      assertThat(c.sourceTable()).isEqualTo("public.t");
    }
    assertThat(types).containsEntry("id", "int4").containsEntry("tstz", "timestamptz")
        .containsEntry("jb", "jsonb").containsEntry("ai", "_int4").containsEntry("mood", "mood")
        .containsEntry("n", "numeric");
  }

  @Test
  void nullsAndSpecialValues() {
    Map<String, Object> nulls = q("SELECT * FROM t WHERE id = 2").rows().get(0);
    List<String> nonNull = new ArrayList<>();
    nulls.forEach((k, v) -> {
      if (v != null) {
        nonNull.add(k);
      }
    });
    assertThat(nonNull).containsExactly("id");
    Map<String, Object> special = q("SELECT i8, n, f8, ts, tstz, d FROM t WHERE id = 3").rows()
        .get(0);
    assertThat(special.get("i8")).isEqualTo(42L);
    assertThat(special.get("n")).isEqualTo("NaN");
    assertThat(special.get("f8")).isEqualTo("Infinity");
    assertThat(special.get("ts")).isEqualTo("infinity");
    assertThat(special.get("tstz")).isEqualTo("-infinity");
    assertThat(special.get("d")).isEqualTo("infinity");
    assertThat(q("SELECT i8 FROM t WHERE id = 4").rows().get(0).get("i8"))
        .isEqualTo("-9223372036854775808");
  }

  @Test
  void duplicateColumnNamesAreMadeUniqueAndComputedColumnsHaveNoSource() {
    QueryResult r = q("SELECT a.id, b.id, 1 AS id_2, a.id + 1 AS next FROM t a JOIN t b"
        + " ON a.id = b.id WHERE a.id = 1");
    assertThat(r.columns()).extracting(Column::name).containsExactly("id", "id_3", "id_2",
        "next");
    assertThat(r.rows().get(0)).containsEntry("id", 1).containsEntry("id_3", 1)
        .containsEntry("id_2", 1).containsEntry("next", 2);
    assertThat(r.columns().get(3).sourceTable()).isNull();
  }

  @Test
  void bindsJsonParameterTypes() {
    QueryResult r = ds.execute(QueryRequest.query("SELECT id FROM t WHERE id = $1 AND b = $2"
        + " AND i8 > $3 AND n2 = $4 AND tstz = $5 AND u = $6 AND jb @> $7 AND i4 = ANY($8)"
        + " AND $9::text IS NULL AND f8 < $10")
        .parameters(Arrays.asList("1", true, 1L, new BigDecimal("12.5"),
            "2024-02-29T11:14:15.5Z", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
            Map.of("x", Map.of("y", true)), List.of(-2147483648, 7), null, 1.0))
        .build());
    assertThat(r.rows()).containsExactly(Map.of("id", 1));
    QueryResult arr = ds.execute(QueryRequest.query("SELECT $1::text[] AS a")
        .parameters(List.of(Arrays.asList("x\"y", "b\\c", null, "NULL"))).build());
    assertThat(arr.rows().get(0).get("a")).isEqualTo(Arrays.asList("x\"y", "b\\c", null,
        "NULL"));
  }
}

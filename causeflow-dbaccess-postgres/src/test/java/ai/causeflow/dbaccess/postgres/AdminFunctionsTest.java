package ai.causeflow.dbaccess.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.Policy;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Admin, size and definition functions are limited to allowed relations; path revealers refused. */
class AdminFunctionsTest {
  private final PostgresQueryValidator validator = new PostgresQueryValidator();
  private final Policy blocked = Policy.builder().allowedTables(List.of("public.*"))
      .blockedTables(List.of("public.secrets")).build();
  private final Policy catalog = Policy.builder()
      .allowedTables(List.of("public.*", "pg_catalog.*")).blockedTables(List.of("public.secrets"))
      .build();

  private DbAccessException refusal(String sql, Policy p) {
    try {
      validator.validate(sql, p);
    } catch (DbAccessException e) {
      return e;
    }
    throw new AssertionError("accepted: " + sql);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT pg_relation_size('secrets')",
      "SELECT pg_total_relation_size('public.secrets')",
      "SELECT pg_table_size('Secrets'::regclass)",
      "SELECT pg_indexes_size('\"secrets\"')",
      "SELECT pg_size_pretty(pg_total_relation_size('SECRETS'))",
      "SELECT * FROM pgstattuple('secrets')",
      "SELECT * FROM public.pgstattuple_approx('secrets'::regclass)",
      "SELECT * FROM pgrowlocks('secrets')",
      "SELECT pg_get_viewdef('secrets')",
      "SELECT pg_get_viewdef('secrets'::regclass, true)",
      "SELECT * FROM pg_visibility('secrets')",
      "SELECT * FROM pg_visibility_map('secrets')",
      "SELECT pg_stat_get_live_tuples('secrets'::regclass)",
      "SELECT pg_stat_get_numscans('public.secrets'::regclass)",
      "SELECT * FROM pg_check_visible('secrets')",
  })
  void namedBlockedRelationIsRefused(String sql) {
    DbAccessException e = refusal(sql, catalog);
    assertThat(e.code()).isEqualTo(ErrorCode.TABLE_NOT_ALLOWED);
    assertThat(e.getMessage()).contains("public.secrets");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      // computed arguments could name any relation
      "SELECT pg_relation_size(oid) FROM pg_class",
      "SELECT pg_total_relation_size(c.oid) FROM pg_class c",
      "SELECT pg_get_viewdef(16384)",
      "SELECT pg_relation_size('sec' || 'rets')",
      "SELECT pg_relation_size($1)",
      // escaped or dollar-quoted strings are seen only approximately: never trusted as a name
      "SELECT pg_relation_size(E'\\x73ecrets')",
      "SELECT pg_relation_size($q$secrets$q$)",
      "SELECT pg_relation_size('orders'), 'a' || E'\\n'",
      "SELECT pg_get_indexdef(indexrelid) FROM pg_index",
      "SELECT pg_get_ruledef(1)",
      "SELECT pg_get_triggerdef(1)",
      "SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef",
  })
  void computedRelationArgumentNeedsTheCatalog(String sql) {
    assertThat(refusal(sql, blocked).code()).isEqualTo(ErrorCode.TABLE_NOT_ALLOWED);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT s.* FROM pg_class c, pgstattuple(c.oid) s",
      "SELECT * FROM pgrowlocks((SELECT 'secrets'))",
  })
  void contentsFunctionsNeedALiteralEvenWithTheCatalog(String sql) {
    assertThatThrownBy(() -> validator.validate(sql, catalog))
        .isInstanceOf(DbAccessException.class);
  }

  @Test
  void allowedRelationsStayReadable() {
    ValidatedQuery q = validator.validate(
        "SELECT pg_size_pretty(pg_total_relation_size('orders')), pg_relation_size('public.users')",
        blocked);
    assertThat(q.tables()).contains("public.orders", "public.users");
    validator.validate("SELECT pg_get_viewdef('active_orders'::regclass, true)", blocked);
    validator.validate("SELECT relname, pg_total_relation_size(oid) FROM pg_class", catalog);
    validator.validate("SELECT pg_get_indexdef(indexrelid) FROM pg_index", catalog);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT * FROM pg_config()", "SELECT pg_config()", "SELECT * FROM pg_control_system()",
      "SELECT * FROM pg_control_checkpoint()", "SELECT * FROM pg_control_init()",
      "SELECT * FROM pg_control_recovery()", "SELECT pg_current_logfile()",
      "SELECT pg_current_logfile('stderr')", "SELECT pg_tablespace_location(1663)",
      "SELECT pg_relation_filepath('orders')", "SELECT pg_relation_filenode('orders')",
      "SELECT \"PG_CONFIG\"()", "SELECT pg_catalog.pg_control_system()",
      "SELECT * FROM page_header(get_raw_page('orders', 0))", "SELECT * FROM bt_metap('i')",
      "SELECT * FROM pg_freespace('orders')",
  })
  void serverPathsAndRawPagesAreRefused(String sql) {
    assertThat(refusal(sql, catalog).code()).isEqualTo(ErrorCode.QUERY_BLOCKED);
  }

  @Test
  void serverAddressNeedsTheCatalog() {
    assertThat(refusal("SELECT inet_server_addr()", blocked).code())
        .isEqualTo(ErrorCode.TABLE_NOT_ALLOWED);
    assertThat(refusal("SELECT inet_server_port()", blocked).code())
        .isEqualTo(ErrorCode.TABLE_NOT_ALLOWED);
    validator.validate("SELECT inet_server_addr(), inet_server_port()", catalog);
  }

  @Test
  void dataDirectorySettingIsRefused() {
    for (String s : List.of("data_directory", "config_file", "hba_file", "log_directory",
        "unix_socket_directories", "ssl_key_file")) {
      assertThat(refusal("SELECT current_setting('" + s + "')", blocked).code())
          .isEqualTo(ErrorCode.TABLE_NOT_ALLOWED);
    }
  }
}

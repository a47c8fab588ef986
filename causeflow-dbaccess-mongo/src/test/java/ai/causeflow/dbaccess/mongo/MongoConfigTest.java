package ai.causeflow.dbaccess.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ai.causeflow.dbaccess.core.DataSourceSettings;
import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import com.mongodb.MongoClientSettings;
import com.mongodb.ReadPreference;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Building a client from configuration: the URI is a secret in every failure. */
class MongoConfigTest {
  static final String PASSWORD = "pw-SECRET-9931";

  @Test
  void aBadUriIsRefusedWithoutQuotingIt() {
    for (String uri : new String[] {"mongodb://u:" + PASSWORD + "@host:notaport/db",
        "mongodb://u:" + PASSWORD + "@h/?readPreference=bogus" + PASSWORD,
        "http://u:" + PASSWORD + "@h"}) {
      DbAccessException e = catchThrowableOfType(DbAccessException.class,
          () -> MongoReadOnlyDataSource.clientSettings(uri, 3));
      assertThat(e).as(uri).isNotNull();
      assertThat(e.code()).isEqualTo(ErrorCode.CONFIG_INVALID);
      assertThat(e.getMessage()).startsWith("connection.uri").doesNotContain(PASSWORD);
      assertThat(e.toString()).doesNotContain(PASSWORD);
    }
  }

  @Test
  void theUrisOwnOptionsWinOverTheDefaults() {
    MongoClientSettings s = MongoReadOnlyDataSource.clientSettings(
        "mongodb://u:" + PASSWORD + "@h1,h2/?serverSelectionTimeoutMS=1234", 4);
    assertThat(s.getClusterSettings().getServerSelectionTimeout(TimeUnit.MILLISECONDS))
        .isEqualTo(1234);
    assertThat(s.getConnectionPoolSettings().getMaxSize()).isEqualTo(4);
    MongoClientSettings d = MongoReadOnlyDataSource.clientSettings("mongodb://h", 2);
    assertThat(d.getClusterSettings().getServerSelectionTimeout(TimeUnit.MILLISECONDS))
        .isEqualTo(MongoReadOnlyDataSource.CONFIG_CLIENT_TIMEOUT_MS);
    assertThat(d.getApplicationName()).isEqualTo("causeflow-dbaccess");
  }

  @Test
  void readPreferenceNamesAreChecked() {
    assertThat(MongoReadOnlyDataSource.readPreference("secondaryPreferred"))
        .isEqualTo(ReadPreference.secondaryPreferred());
    assertThat(catchThrowableOfType(DbAccessException.class,
        () -> MongoReadOnlyDataSource.readPreference("fastest")).code())
        .isEqualTo(ErrorCode.CONFIG_INVALID);
  }

  @Test
  void systemDatabasesAndOddNamesAreRefused() {
    try (MongoClient c = MongoClients.create("mongodb://127.0.0.1:1")) {
      for (String db : new String[] {"admin", "local", "config", "", "a.b", "a$b", "a b"}) {
        DbAccessException e = catchThrowableOfType(DbAccessException.class,
            () -> MongoReadOnlyDataSource.create(c, db, DataSourceSettings.builder("x").build()));
        assertThat(e).as(db).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.CONFIG_INVALID);
      }
    }
  }
}

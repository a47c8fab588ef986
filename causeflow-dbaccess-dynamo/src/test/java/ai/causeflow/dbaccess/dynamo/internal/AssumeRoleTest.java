package ai.causeflow.dbaccess.dynamo.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.config.Secret;
import ai.causeflow.dbaccess.dynamo.DynamoConnection;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * STS AssumeRole against a local stand-in for STS (which checks what it is sent) and one for
 * DynamoDB (which records how each call was signed).
 */
class AssumeRoleTest {
  private static final String ROLE = "arn:aws:iam::123456789012:role/CauseFlowReadOnly";
  private static final String EXTERNAL_ID = "ext-id-canary-5521";
  private static final String STS_MESSAGE_CANARY = "sts-message-canary-9912";

  private HttpServer sts;
  private HttpServer dynamo;
  private final List<Map<String, String>> stsCalls = new CopyOnWriteArrayList<>();
  private final List<Map<String, String>> dynamoCalls = new CopyOnWriteArrayList<>();
  private final AtomicReference<String> stsMode = new AtomicReference<>("ok");
  private final AtomicReference<Instant> expiry = new AtomicReference<>(
      Instant.now().plus(1, ChronoUnit.HOURS));
  private final AtomicInteger issued = new AtomicInteger();

  @BeforeEach
  void start() throws Exception {
    sts = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    sts.createContext("/", ex -> {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Map<String, String> form = new LinkedHashMap<>();
      for (String kv : body.split("&")) {
        int eq = kv.indexOf('=');
        form.put(URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
      }
      stsCalls.add(form);
      String xml;
      int status;
      if (stsMode.get().equals("deny")) {
        status = 403;
        xml = "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>"
            + "<Type>Sender</Type><Code>AccessDenied</Code><Message>" + STS_MESSAGE_CANARY
            + " is not authorized to perform sts:AssumeRole</Message></Error>"
            + "<RequestId>r-1</RequestId></ErrorResponse>";
      } else {
        status = 200;
        int n = issued.incrementAndGet();
        xml = "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
            + "<AssumeRoleResult><Credentials>"
            + "<AccessKeyId>ASIAASSUMED00000000" + n + "</AccessKeyId>"
            + "<SecretAccessKey>assumed-secret-" + n + "</SecretAccessKey>"
            + "<SessionToken>session-token-" + n + "</SessionToken>"
            + "<Expiration>" + expiry.get() + "</Expiration></Credentials>"
            + "<AssumedRoleUser><AssumedRoleId>AROAEXAMPLE:causeflow</AssumedRoleId>"
            + "<Arn>arn:aws:sts::123456789012:assumed-role/CauseFlowReadOnly/causeflow</Arn>"
            + "</AssumedRoleUser></AssumeRoleResult>"
            + "<ResponseMetadata><RequestId>r-" + n + "</RequestId></ResponseMetadata>"
            + "</AssumeRoleResponse>";
      }
      byte[] b = xml.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "text/xml");
      ex.sendResponseHeaders(status, b.length);
      ex.getResponseBody().write(b);
      ex.close();
    });
    sts.start();
    dynamo = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    dynamo.createContext("/", ex -> {
      ex.getRequestBody().readAllBytes();
      Map<String, String> h = new LinkedHashMap<>();
      h.put("authorization", ex.getRequestHeaders().getFirst("Authorization"));
      h.put("token", ex.getRequestHeaders().getFirst("X-Amz-Security-Token"));
      h.put("target", ex.getRequestHeaders().getFirst("X-Amz-Target"));
      dynamoCalls.add(h);
      byte[] b = "{\"TableNames\":[]}".getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
      ex.sendResponseHeaders(200, b.length);
      ex.getResponseBody().write(b);
      ex.close();
    });
    dynamo.start();
  }

  @AfterEach
  void stop() {
    sts.stop(0);
    dynamo.stop(0);
  }

  private DynamoClients clients(int duration) {
    DynamoConnection c = DynamoConnection.builder("eu-west-1")
        .endpoint(URI.create("http://127.0.0.1:" + dynamo.getAddress().getPort()))
        .stsEndpoint(URI.create("http://127.0.0.1:" + sts.getAddress().getPort()))
        .roleArn(ROLE)
        .externalId(Secret.of(EXTERNAL_ID))
        .sessionName("causeflow-test")
        .durationSeconds(duration)
        .build();
    return DynamoClients.build(c, StaticCredentialsProvider.create(
        AwsBasicCredentials.create("AKIABASE000000000000", "base-secret")));
  }

  @Test
  void assumesTheRoleWithEveryParameterAndSignsDynamoDbCallsWithIt() {
    try (DynamoClients c = clients(1800)) {
      c.dynamo().listTables();
      c.dynamo().listTables();
    }
    assertThat(stsCalls).hasSize(1);
    Map<String, String> call = stsCalls.get(0);
    assertThat(call).containsEntry("Action", "AssumeRole")
        .containsEntry("RoleArn", ROLE)
        .containsEntry("RoleSessionName", "causeflow-test")
        .containsEntry("ExternalId", EXTERNAL_ID)
        .containsEntry("DurationSeconds", "1800");
    assertThat(dynamoCalls).hasSize(2).allSatisfy(h -> {
      assertThat(h.get("authorization")).contains("Credential=ASIAASSUMED000000001/")
          .doesNotContain("AKIABASE");
      assertThat(h.get("token")).isEqualTo("session-token-1");
      assertThat(h.get("target")).isEqualTo("DynamoDB_20120810.ListTables");
    });
  }

  @Test
  void defaultDurationIs900Seconds() {
    DynamoConnection c = DynamoConnection.builder("eu-west-1").roleArn(ROLE).build();
    assertThat(c.durationSeconds()).isEqualTo(900);
    assertThat(c.sessionName()).isEqualTo("causeflow-dbaccess");
    try (DynamoClients cl = clients(900)) {
      cl.dynamo().listTables();
    }
    assertThat(stsCalls.get(0)).containsEntry("DurationSeconds", "900");
  }

  @Test
  void refreshesBeforeTheSessionExpires() {
    // A session that ends within the refresh window is renewed before the next call is signed.
    expiry.set(Instant.now().plus(2, ChronoUnit.MINUTES));
    try (DynamoClients c = clients(900)) {
      c.dynamo().listTables();
      c.dynamo().listTables();
      c.dynamo().listTables();
    }
    assertThat(stsCalls.size()).isGreaterThanOrEqualTo(2);
    List<String> tokens = new ArrayList<>();
    dynamoCalls.forEach(h -> tokens.add(h.get("token")));
    assertThat(tokens.get(0)).isEqualTo("session-token-1");
    assertThat(tokens.get(tokens.size() - 1)).isNotEqualTo("session-token-1");
  }

  @Test
  void accessDeniedIsAConfigErrorNamingTheRoleWithoutSecrets() {
    stsMode.set("deny");
    try (DynamoClients c = clients(900)) {
      Throwable t = catchThrowable(() -> c.dynamo().listTables());
      DbAccessException e = AwsErrors.map(t, "ListTables", ROLE);
      assertThat(e.code()).isEqualTo(ErrorCode.CONNECTION_FAILED);
      assertThat(e.driverCode()).contains("AccessDenied");
      assertThat(e.getMessage()).contains(ROLE).contains("trust policy").contains("ExternalId")
          .doesNotContain(EXTERNAL_ID).doesNotContain(STS_MESSAGE_CANARY)
          .doesNotContain("base-secret");
      assertThat(e.toString()).doesNotContain(EXTERNAL_ID);
    }
    assertThat(dynamoCalls).isEmpty();
  }

  private ai.causeflow.dbaccess.dynamo.DynamoDbReadOnlyDataSource dataSource(
      ai.causeflow.dbaccess.core.audit.AuditSink audit) {
    DynamoConnection c = DynamoConnection.builder("eu-west-1")
        .endpoint(URI.create("http://127.0.0.1:" + dynamo.getAddress().getPort()))
        .stsEndpoint(URI.create("http://127.0.0.1:" + sts.getAddress().getPort()))
        .roleArn(ROLE).externalId(Secret.of(EXTERNAL_ID)).build();
    return ai.causeflow.dbaccess.dynamo.DynamoDbReadOnlyDataSource.fromConnection(c,
        ai.causeflow.dbaccess.core.DataSourceSettings.builder("sts").auditSink(audit).build(),
        ai.causeflow.dbaccess.dynamo.DynamoOptions.defaults(), StaticCredentialsProvider.create(
            AwsBasicCredentials.create("AKIABASE000000000000", "base-secret")));
  }

  @Test
  void throughTheDataSourceAccessDeniedIsCodedInResultHealthAndAudit() {
    stsMode.set("deny");
    var audit = ai.causeflow.dbaccess.core.audit.AuditSink.inMemory();
    try (var ds = dataSource(audit)) {
      DbAccessException e = (DbAccessException) catchThrowable(ds::listTables);
      assertThat(e.code()).isEqualTo(ErrorCode.CONNECTION_FAILED);
      assertThat(e.getMessage()).startsWith("configuration: assuming role").contains(ROLE)
          .doesNotContain(EXTERNAL_ID).doesNotContain(STS_MESSAGE_CANARY);
      var h = ds.health();
      assertThat(h.healthy()).isFalse();
      assertThat(h.error()).isEqualTo(ErrorCode.CONNECTION_FAILED);
      assertThat(h.detail()).contains(ROLE).doesNotContain(EXTERNAL_ID);
      String line = new String(ai.causeflow.dbaccess.core.audit.JsonLinesAuditSink.toJsonLine(
          audit.last()), StandardCharsets.UTF_8);
      assertThat(line).contains("CONNECTION_FAILED").doesNotContain(EXTERNAL_ID)
          .doesNotContain(STS_MESSAGE_CANARY);
    }
    assertThat(dynamoCalls).isEmpty();
    stsMode.set("ok");
    try (var ds = dataSource(audit)) {
      assertThat(ds.health().healthy()).isTrue();
      assertThat(ds.listTables().rowCount()).isZero();
    }
    assertThat(dynamoCalls).isNotEmpty().allSatisfy(h ->
        assertThat(h.get("token")).startsWith("session-token-"));
  }

  @Test
  void connectionNeverPrintsTheExternalId() {
    DynamoConnection c = DynamoConnection.builder("eu-west-1").roleArn(ROLE)
        .externalId(Secret.of(EXTERNAL_ID)).build();
    assertThat(c.toString()).doesNotContain(EXTERNAL_ID).contains("****");
    DbAccessException e = (DbAccessException) catchThrowable(() -> DynamoConnection
        .builder("eu-west-1").roleArn(ROLE).externalId(Secret.of("bad value " + EXTERNAL_ID))
        .build());
    assertThat(e.code()).isEqualTo(ErrorCode.CONFIG_INVALID);
    assertThat(e.getMessage()).startsWith("connection.externalId:").doesNotContain(EXTERNAL_ID);
    DbAccessException arn = (DbAccessException) catchThrowable(() -> DynamoConnection
        .builder("eu-west-1").roleArn("arn:aws:iam::123:role/x").build());
    assertThat(arn.getMessage()).startsWith("connection.roleArn:");
    DbAccessException dur = (DbAccessException) catchThrowable(() -> DynamoConnection
        .builder("eu-west-1").roleArn(ROLE).durationSeconds(60).build());
    assertThat(dur.getMessage()).startsWith("connection.durationSeconds:");
  }
}

package ai.causeflow.dbaccess.dynamo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DynamoIamPoliciesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ACCOUNT = "123456789012";
  private static final String REGION = "eu-west-1";

  /** Compares with the golden file; on a difference the actual text is kept in target/iam-actual. */
  private static void assertGolden(String actual, String name) throws IOException {
    String expected;
    try (InputStream in = DynamoIamPoliciesTest.class.getResourceAsStream("iam/" + name)) {
      expected = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (!actual.equals(expected)) {
      java.nio.file.Path out = java.nio.file.Path.of("target", "iam-actual", name);
      java.nio.file.Files.createDirectories(out.getParent());
      java.nio.file.Files.writeString(out, actual);
    }
    assertThat(actual).as("golden file %s", name).isEqualTo(expected);
  }

  @Test
  void permissionPolicyMatchesTheGoldenFile() throws IOException {
    String p = DynamoIamPolicies.permissionPolicy(new DynamoIamPolicies.Scope(REGION, ACCOUNT,
        List.of("orders", "orders.by_status", "sessions"), List.of("orders-archive"), true, true));
    assertGolden(p, "permission-policy.json");
    checkPermissionStructure(p, true, true);
  }

  @Test
  void minimalPermissionPolicyMatchesTheGoldenFile() throws IOException {
    String p = DynamoIamPolicies.permissionPolicy(DynamoIamPolicies.Scope.of(REGION, ACCOUNT,
        List.of("orders"), List.of()));
    assertGolden(p, "permission-policy-minimal.json");
    checkPermissionStructure(p, false, false);
  }

  @Test
  void trustPolicyMatchesTheGoldenFile() throws IOException {
    String t = DynamoIamPolicies.trustPolicy("arn:aws:iam::210987654321:role/causeflow-relay",
        "cf-tenant-7f3a9c");
    assertGolden(t, "trust-policy.json");
    JsonNode doc = JSON.readTree(t);
    assertThat(doc.get("Version").asText()).isEqualTo("2012-10-17");
    assertThat(doc.get("Statement")).hasSize(1);
    JsonNode st = doc.get("Statement").get(0);
    assertThat(st.get("Effect").asText()).isEqualTo("Allow");
    assertThat(st.get("Action").asText()).isEqualTo("sts:AssumeRole");
    assertThat(st.get("Principal").get("AWS").asText())
        .isEqualTo("arn:aws:iam::210987654321:role/causeflow-relay");
    assertThat(st.get("Condition").get("StringEquals").get("sts:ExternalId").asText())
        .isEqualTo("cf-tenant-7f3a9c");
    assertThat(st.has("NotPrincipal")).isFalse();
    assertThat(st.has("NotAction")).isFalse();
  }

  /**
   * Every Allow grants only the read and describe actions on this account's table and index ARNs
   * (ListTables, which IAM cannot limit, alone on "*"); every Deny covers blocked tables.
   */
  private static void checkPermissionStructure(String policy, boolean batch, boolean list)
      throws IOException {
    JsonNode doc = JSON.readTree(policy);
    assertThat(doc.get("Version").asText()).isEqualTo("2012-10-17");
    Set<String> itemReads = Set.of("dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan",
        "dynamodb:BatchGetItem");
    Set<String> describes = Set.of("dynamodb:DescribeTable", "dynamodb:DescribeTimeToLive");
    List<String> granted = new ArrayList<>();
    for (JsonNode st : doc.get("Statement")) {
      assertThat(st.has("NotAction")).isFalse();
      assertThat(st.has("NotResource")).isFalse();
      assertThat(st.has("Principal")).isFalse();
      List<String> actions = new ArrayList<>();
      st.get("Action").forEach(a -> actions.add(a.asText()));
      List<String> resources = new ArrayList<>();
      st.get("Resource").forEach(r -> resources.add(r.asText()));
      assertThat(actions).allSatisfy(a -> assertThat(a).doesNotContain("*"));
      if (st.get("Effect").asText().equals("Deny")) {
        assertThat(resources).allSatisfy(r -> assertThat(DynamoIamPolicies.isTableArn(r)).isTrue());
        continue;
      }
      assertThat(st.get("Effect").asText()).isEqualTo("Allow");
      if (actions.equals(List.of("dynamodb:ListTables"))) {
        assertThat(resources).containsExactly("*");
        granted.addAll(actions);
        continue;
      }
      assertThat(actions).allSatisfy(a -> assertThat(a).isIn(
          new java.util.HashSet<String>() {{ addAll(itemReads); addAll(describes); }}));
      assertThat(resources).isNotEmpty().allSatisfy(r -> {
        assertThat(DynamoIamPolicies.isTableArn(r)).as(r).isTrue();
        assertThat(r).contains(":" + REGION + ":" + ACCOUNT + ":table/");
      });
      if (actions.stream().anyMatch(describes::contains)) {
        assertThat(resources).noneMatch(r -> r.contains("/index/"));
      }
      granted.addAll(actions);
    }
    assertThat(granted).contains("dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan",
        "dynamodb:DescribeTable");
    assertThat(granted.contains("dynamodb:BatchGetItem")).isEqualTo(batch);
    assertThat(granted.contains("dynamodb:ListTables")).isEqualTo(list);
  }

  @Test
  void refusesWhatWouldBeOverBroadOrMalformed() {
    for (Runnable r : List.<Runnable>of(
        () -> DynamoIamPolicies.permissionPolicy(DynamoIamPolicies.Scope.of(REGION, ACCOUNT,
            List.of("*"), List.of())),
        () -> DynamoIamPolicies.permissionPolicy(DynamoIamPolicies.Scope.of(REGION, ACCOUNT,
            List.of(), List.of())),
        () -> DynamoIamPolicies.permissionPolicy(DynamoIamPolicies.Scope.of(REGION, ACCOUNT,
            List.of("orders/../x"), List.of())),
        () -> DynamoIamPolicies.permissionPolicy(DynamoIamPolicies.Scope.of(REGION, "12345",
            List.of("orders"), List.of())),
        () -> DynamoIamPolicies.permissionPolicy(DynamoIamPolicies.Scope.of("mars", ACCOUNT,
            List.of("orders"), List.of())),
        () -> DynamoIamPolicies.trustPolicy("*", "cf-tenant-7f3a9c"),
        () -> DynamoIamPolicies.trustPolicy("arn:aws:iam::210987654321:role/x", ""),
        () -> DynamoIamPolicies.trustPolicy("arn:aws:iam::21098765432:role/x", "abc"))) {
      DbAccessException e = catchThrowableOfType(DbAccessException.class, r::run);
      assertThat(e).isNotNull();
      assertThat(e.code()).isEqualTo(ErrorCode.CONFIG_INVALID);
    }
  }

  @Test
  void validatesArns() {
    assertThat(DynamoIamPolicies.isRoleArn("arn:aws:iam::123456789012:role/ReadOnly")).isTrue();
    assertThat(DynamoIamPolicies.isRoleArn("arn:aws:iam::123456789012:role/path/to/ReadOnly"))
        .isTrue();
    assertThat(DynamoIamPolicies.isRoleArn("arn:aws-cn:iam::123456789012:role/R")).isTrue();
    assertThat(DynamoIamPolicies.isRoleArn("arn:aws:iam::123456789012:user/ReadOnly")).isFalse();
    assertThat(DynamoIamPolicies.isRoleArn("arn:aws:iam::1234567890:role/R")).isFalse();
    assertThat(DynamoIamPolicies.isRoleArn("arn:aws:sts::123456789012:role/R")).isFalse();
    assertThat(DynamoIamPolicies.isRoleArn("arn:aws:iam::123456789012:role/")).isFalse();
    assertThat(DynamoIamPolicies.accountOf("arn:aws:iam::123456789012:role/R"))
        .isEqualTo("123456789012");
    assertThat(DynamoIamPolicies.tableArn("cn-north-1", ACCOUNT, "t.i"))
        .isEqualTo("arn:aws-cn:dynamodb:cn-north-1:123456789012:table/t/index/i");
    assertThat(DynamoIamPolicies.isTableArn(
        "arn:aws:dynamodb:us-east-1:123456789012:table/orders")).isTrue();
    assertThat(DynamoIamPolicies.isTableArn("arn:aws:dynamodb:us-east-1:123456789012:*"))
        .isFalse();
  }
}

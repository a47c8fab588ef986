package ai.causeflow.dbaccess.dynamo;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The customer's side of a DynamoDB resource, generated so that it is hard to get wrong: the
 * role's permission policy (the read actions this library uses, on the named tables and indexes
 * only) and its trust policy (one principal may assume it, and only with the agreed
 * {@code sts:ExternalId}, which closes the confused-deputy door).
 *
 * <pre>{@code
 * String permissions = DynamoIamPolicies.permissionPolicy(DynamoIamPolicies.Scope.of(
 *     "us-east-1", "123456789012", List.of("orders", "orders.by_status"), List.of()));
 * String trust = DynamoIamPolicies.trustPolicy("arn:aws:iam::210987654321:role/causeflow-relay",
 *     externalId);
 * }</pre>
 *
 * <p>Tables are named as the resource's policy names them: {@code orders} is the table,
 * {@code orders.by_status} an index of it; {@code *} is a wildcard (as in IAM, where it also
 * spans {@code /}, so {@code orders*} covers the indexes of {@code orders}). Blocked tables
 * become an explicit {@code Deny}: in IAM, as in the library, deny wins.
 *
 * <p>Thread-safety: stateless.
 */
public final class DynamoIamPolicies {
  /** The item reads a resource may perform. */
  public static final List<String> READ_ACTIONS = List.of("dynamodb:GetItem", "dynamodb:Query",
      "dynamodb:Scan");
  /** The schema reads {@code describe_table} uses. */
  public static final List<String> DESCRIBE_ACTIONS = List.of("dynamodb:DescribeTable",
      "dynamodb:DescribeTimeToLive");

  private static final Pattern ROLE_ARN = Pattern.compile(
      "arn:(aws|aws-cn|aws-us-gov):iam::(\\d{12}):role/([\\w+=,.@-]+/)*[\\w+=,.@-]{1,64}");
  private static final Pattern PRINCIPAL_ARN = Pattern.compile(
      "arn:(aws|aws-cn|aws-us-gov):iam::(\\d{12}):(root|(role|user)/([\\w+=,.@-]+/)*"
          + "[\\w+=,.@-]{1,64})");
  private static final Pattern TABLE_ARN = Pattern.compile(
      "arn:(aws|aws-cn|aws-us-gov):dynamodb:[a-z]{2}(-[a-z]+)+-\\d{1,2}:\\d{12}:table/"
          + "[A-Za-z0-9_.*-]{1,255}(/index/[A-Za-z0-9_.*-]{1,255})?");
  private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.*-]{1,255}");
  private static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]{2,1224}");

  private static final ObjectMapper JSON = new ObjectMapper();

  private DynamoIamPolicies() {}

  /**
   * What a permission policy covers.
   *
   * @param region the tables' region
   * @param accountId the tables' 12-digit account
   * @param tables table and index names ({@code orders}, {@code orders.by_status}, globs with
   *     {@code *}); at least one
   * @param blockedTables names that get an explicit Deny
   * @param batchGetItem whether {@code dynamodb:BatchGetItem} is granted (only if the resource
   *     allows the BatchGetItem statement)
   * @param listTables whether {@code dynamodb:ListTables} is granted (it cannot be limited to
   *     tables: it reveals every table name of the account and region)
   */
  public record Scope(String region, String accountId, List<String> tables,
      List<String> blockedTables, boolean batchGetItem, boolean listTables) {
    public Scope {
      Objects.requireNonNull(region, "region");
      Objects.requireNonNull(accountId, "accountId");
      tables = List.copyOf(tables);
      blockedTables = List.copyOf(blockedTables);
      if (!REGION.matcher(region).matches()) {
        throw invalid("region: must be an AWS region such as us-east-1");
      }
      if (!ACCOUNT.matcher(accountId).matches()) {
        throw invalid("accountId: must be 12 digits");
      }
      if (tables.isEmpty()) {
        throw invalid("tables: name at least one table (least privilege: no table/* by default)");
      }
    }

    /** Items, queries and scans on {@code tables}, no batch gets, no list of tables. */
    public static Scope of(String region, String accountId, List<String> tables,
        List<String> blockedTables) {
      return new Scope(region, accountId, tables, blockedTables, false, false);
    }
  }

  /** The permission policy JSON for {@code scope}. */
  public static String permissionPolicy(Scope scope) {
    List<String> allow = arns(scope, scope.tables(), "tables");
    ObjectNode doc = JSON.createObjectNode();
    doc.put("Version", "2012-10-17");
    ArrayNode statements = doc.putArray("Statement");
    List<String> reads = new ArrayList<>(READ_ACTIONS);
    if (scope.batchGetItem()) {
      reads.add(0, "dynamodb:BatchGetItem");
    }
    statement(statements, "CauseFlowReadItems", "Allow", reads, allow);
    List<String> tablesOnly = allow.stream().filter(a -> !a.contains("/index/")).toList();
    if (!tablesOnly.isEmpty()) {
      statement(statements, "CauseFlowDescribeTables", "Allow", DESCRIBE_ACTIONS, tablesOnly);
    }
    if (scope.listTables()) {
      statement(statements, "CauseFlowListTables", "Allow", List.of("dynamodb:ListTables"),
          List.of("*"));
    }
    if (!scope.blockedTables().isEmpty()) {
      List<String> all = new ArrayList<>(reads);
      all.addAll(DESCRIBE_ACTIONS);
      statement(statements, "CauseFlowBlockedTables", "Deny", all,
          arns(scope, scope.blockedTables(), "blockedTables"));
    }
    return write(doc);
  }

  /**
   * The trust policy JSON: {@code principalArn} may call {@code sts:AssumeRole} only with
   * {@code sts:ExternalId} equal to {@code externalId}.
   */
  public static String trustPolicy(String principalArn, String externalId) {
    if (!PRINCIPAL_ARN.matcher(principalArn).matches()) {
      throw invalid("principal: must be an IAM role, user or account root ARN, e.g."
          + " arn:aws:iam::123456789012:role/causeflow-relay");
    }
    if (!EXTERNAL_ID.matcher(externalId).matches()) {
      throw invalid("externalId: must be 2 to 1224 characters of letters, digits and"
          + " + = , . @ : / - _");
    }
    ObjectNode doc = JSON.createObjectNode();
    doc.put("Version", "2012-10-17");
    ObjectNode st = doc.putArray("Statement").addObject();
    st.put("Sid", "CauseFlowAssumeWithExternalId");
    st.put("Effect", "Allow");
    st.putObject("Principal").put("AWS", principalArn);
    st.put("Action", "sts:AssumeRole");
    st.putObject("Condition").putObject("StringEquals").put("sts:ExternalId", externalId);
    return write(doc);
  }

  /** The ARN of a table ({@code orders}) or index ({@code orders.by_status}). */
  public static String tableArn(String region, String accountId, String name) {
    return arn(new Scope(region, accountId, List.of(name), List.of(), false, false), name,
        "tables");
  }

  /** Whether {@code arn} is a DynamoDB table or index ARN. */
  public static boolean isTableArn(String arn) {
    return TABLE_ARN.matcher(arn).matches();
  }

  /** Whether {@code arn} is an IAM role ARN. */
  public static boolean isRoleArn(String arn) {
    return ROLE_ARN.matcher(arn).matches();
  }

  /** The account id of a role ARN. */
  public static String accountOf(String roleArn) {
    Matcher m = ROLE_ARN.matcher(roleArn);
    if (!m.matches()) {
      throw invalid("roleArn: must be an IAM role ARN, e.g. arn:aws:iam::123456789012:role/Name");
    }
    return m.group(2);
  }

  static void requireRoleArn(String arn, String key) {
    if (!isRoleArn(arn)) {
      throw invalid(key + ": must be an IAM role ARN, e.g."
          + " arn:aws:iam::123456789012:role/CauseFlowReadOnly");
    }
  }

  private static List<String> arns(Scope scope, List<String> names, String key) {
    Set<String> out = new LinkedHashSet<>();
    for (String n : names) {
      out.add(arn(scope, n, key));
    }
    return List.copyOf(out);
  }

  private static String arn(Scope scope, String name, String key) {
    String partition = scope.region().startsWith("cn-") ? "aws-cn"
        : scope.region().startsWith("us-gov-") ? "aws-us-gov" : "aws";
    String prefix = "arn:" + partition + ":dynamodb:" + scope.region() + ":" + scope.accountId()
        + ":table/";
    if (name.equals("*")) {
      throw invalid(key + ": '*' would cover every table of the account; name the tables");
    }
    int dot = name.indexOf('.');
    String arn;
    if (dot < 0) {
      checkName(name, key);
      arn = prefix + name;
    } else {
      String table = name.substring(0, dot);
      String index = name.substring(dot + 1);
      checkName(table, key);
      checkName(index, key);
      arn = prefix + table + "/index/" + index;
    }
    if (!TABLE_ARN.matcher(arn).matches()) {
      throw invalid(key + ": '" + name + "' does not make a valid table ARN");
    }
    return arn;
  }

  private static void checkName(String n, String key) {
    if (!NAME.matcher(n).matches() || n.chars().allMatch(c -> c == '*')) {
      throw invalid(key + ": '" + n.replaceAll("[^A-Za-z0-9_.*-]", "?") + "' is not a table or"
          + " index name (A-Z a-z 0-9 _ . - and * wildcards, not only wildcards)");
    }
  }

  private static void statement(ArrayNode statements, String sid, String effect,
      List<String> actions, List<String> resources) {
    ObjectNode st = statements.addObject();
    st.put("Sid", sid);
    st.put("Effect", effect);
    ArrayNode a = st.putArray("Action");
    actions.forEach(a::add);
    ArrayNode r = st.putArray("Resource");
    resources.forEach(r::add);
  }

  private static String write(ObjectNode doc) {
    DefaultPrettyPrinter pp = new DefaultPrettyPrinter()
        .withSeparators(Separators.createDefaultInstance()
            .withObjectFieldValueSpacing(Separators.Spacing.AFTER));
    pp.indentArraysWith(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE);
    try {
      return JSON.writer(pp).writeValueAsString(doc).replace("\r\n", "\n") + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static DbAccessException invalid(String message) {
    return new DbAccessException(ErrorCode.CONFIG_INVALID, message);
  }
}

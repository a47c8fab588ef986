package ai.causeflow.dbaccess.examples.relay;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.Operation;
import ai.causeflow.dbaccess.core.config.ResourceConfig;
import ai.causeflow.dbaccess.dynamo.DynamoConnection;
import ai.causeflow.dbaccess.dynamo.DynamoIamPolicies;
import java.io.PrintStream;
import org.jspecify.annotations.Nullable;

/**
 * {@code --print-iam-policies}: the customer's side of each {@code dynamodb} resource, generated
 * from the resource's own configuration (its tables, indexes, blocked tables and options), so that
 * the role grants exactly what the relay will do with it.
 *
 * <p>Thread-safety: stateless.
 */
final class IamPolicyPrinter {
  /** Stands in for the external id unless {@code --with-external-id} is given. */
  static final String EXTERNAL_ID_PLACEHOLDER = "REPLACE-WITH-THE-AGREED-EXTERNAL-ID";

  private IamPolicyPrinter() {}

  static int print(RelayConfig cfg, @Nullable String principal, @Nullable String account,
      boolean withExternalId, PrintStream out, PrintStream err) {
    int printed = 0;
    for (int i = 0; i < cfg.resources().size(); i++) {
      ResourceConfig r = cfg.resources().get(i);
      if (!(r.connection() instanceof DynamoConnection c)) {
        continue;
      }
      String key = "resources[" + i + "]";
      String acct = account;
      if (acct == null && c.roleArn() != null) {
        acct = DynamoIamPolicies.accountOf(c.roleArn());
      }
      if (acct == null) {
        err.println(key + ": the tables' account is unknown: set connection.roleArn or pass"
            + " --account");
        return RelayMain.EXIT_ERROR;
      }
      if (r.allowedTables().isEmpty()) {
        err.println(key + ".allowedTables: list the tables (and table.index for indexes) the role"
            + " may read; an empty list means every table, which a least-privilege policy does"
            + " not grant");
        return RelayMain.EXIT_ERROR;
      }
      try {
        String permissions = DynamoIamPolicies.permissionPolicy(new DynamoIamPolicies.Scope(
            c.region(), acct, r.allowedTables(), r.blockedTables(),
            c.options().allowBatchGetItem(), r.allowedOperations().contains(Operation.LIST_TABLES)));
        out.println("# " + r.id() + ": permission policy (attach to the role"
            + (c.roleArn() == null ? "" : " " + c.roleArn()) + ")");
        out.print(permissions);
        if (principal != null) {
          String ext = withExternalId && c.externalId() != null ? c.externalId().reveal()
              : EXTERNAL_ID_PLACEHOLDER;
          out.println("# " + r.id() + ": trust policy" + (ext.equals(EXTERNAL_ID_PLACEHOLDER)
              ? " (replace the placeholder with the external id agreed with this customer)"
              : ""));
          out.print(DynamoIamPolicies.trustPolicy(principal, ext));
        } else {
          err.println(r.id() + ": pass --principal ARN (the relay's own role) to print the trust"
              + " policy too");
        }
        printed++;
      } catch (DbAccessException e) {
        err.println(key + ": " + e.getMessage());
        return RelayMain.EXIT_ERROR;
      }
    }
    if (printed == 0) {
      err.println("no dynamodb resource in the configuration");
      return RelayMain.EXIT_ERROR;
    }
    return 0;
  }
}

/**
 * Implementation of the DynamoDB backend: statement parsing, expression checks, value conversion,
 * the read-only interceptor, paging. Not API: may change in any release.
 */
@NullMarked
package ai.causeflow.dbaccess.dynamo.internal;

import org.jspecify.annotations.NullMarked;

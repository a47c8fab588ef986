/**
 * Implementation details of the PostgreSQL backend. Not API: may change in any release.
 */
@NullMarked
package ai.causeflow.dbaccess.postgres.internal;

import org.jspecify.annotations.NullMarked;

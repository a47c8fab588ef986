/**
 * PostgreSQL backend: {@link ai.causeflow.dbaccess.postgres.PostgresReadOnlyDataSource} (read-only
 * execution, types, schema and DBA reads), statement validation
 * ({@link ai.causeflow.dbaccess.postgres.PostgresQueryValidator}) and the least-privilege role
 * generator {@link ai.causeflow.dbaccess.postgres.PostgresRoleSql}. Implementation lives in
 * {@code ai.causeflow.dbaccess.postgres.internal}.
 */
@NullMarked
package ai.causeflow.dbaccess.postgres;

import org.jspecify.annotations.NullMarked;

/**
 * PostgreSQL backend: statement validation ({@link ai.causeflow.dbaccess.postgres.PostgresQueryValidator})
 * and read-only execution.
 */
@NullMarked
package ai.causeflow.dbaccess.postgres;

import org.jspecify.annotations.NullMarked;

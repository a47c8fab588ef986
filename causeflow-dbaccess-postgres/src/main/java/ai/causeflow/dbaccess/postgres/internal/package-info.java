/** Implementation of the PostgreSQL backend; not API, may change without notice. */
@NullMarked
package ai.causeflow.dbaccess.postgres.internal;

import org.jspecify.annotations.NullMarked;

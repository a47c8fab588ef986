/**
 * Audit events (names, counts and codes, never values) and sinks, including the JSON-lines sink.
 */
@NullMarked
package ai.causeflow.dbaccess.core.audit;

import org.jspecify.annotations.NullMarked;

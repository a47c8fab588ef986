/**
 * Implementation of {@link ai.causeflow.dbaccess.core.masking.Masking}: the one-pass scanner, the
 * built-in detectors, checksums, strategies and the value walker. Not API; may change without
 * notice.
 */
@NullMarked
package ai.causeflow.dbaccess.core.masking.internal;

import org.jspecify.annotations.NullMarked;

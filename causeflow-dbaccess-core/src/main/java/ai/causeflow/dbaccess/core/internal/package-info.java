/**
 * Implementation details. Not API: may change in any release.
 */
@NullMarked
package ai.causeflow.dbaccess.core.internal;

import org.jspecify.annotations.NullMarked;

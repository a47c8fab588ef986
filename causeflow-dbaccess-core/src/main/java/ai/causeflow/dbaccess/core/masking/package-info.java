/**
 * The masking stage of the pipeline: every row and every audited statement passes through it.
 */
@NullMarked
package ai.causeflow.dbaccess.core.masking;

import org.jspecify.annotations.NullMarked;

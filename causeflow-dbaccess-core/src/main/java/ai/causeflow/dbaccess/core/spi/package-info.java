/**
 * The small SPI a database backend implements: validate a request into a plan, execute a plan read-only as a row stream, report health. Only the core pipeline calls it.
 */
@NullMarked
package ai.causeflow.dbaccess.core.spi;

import org.jspecify.annotations.NullMarked;

/**
 * Public API of causeflow-dbaccess: {@link ai.causeflow.dbaccess.core.ReadOnlyDataSource} (the one enforcement pipeline), requests, results, {@link ai.causeflow.dbaccess.core.Policy} and errors. Everything in this package is stable API.
 */
@NullMarked
package ai.causeflow.dbaccess.core;

import org.jspecify.annotations.NullMarked;

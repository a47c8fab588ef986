/**
 * Test kit: the contract suite every backend passes ({@link
 * ai.causeflow.dbaccess.testkit.ReadOnlyDataSourceContract}), its data set, an in-memory backend
 * for unit tests, and a simple masking stage for pipeline tests. Add it in test scope.
 */
@NullMarked
package ai.causeflow.dbaccess.testkit;

import org.jspecify.annotations.NullMarked;

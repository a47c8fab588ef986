/**
 * Implementation of the MongoDB backend (command parsing and validation, execution, BSON value
 * conversion). Not API: may change in any release.
 */
@NullMarked
package ai.causeflow.dbaccess.mongo.internal;

import org.jspecify.annotations.NullMarked;

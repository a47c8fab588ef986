/**
 * MongoDB backend: {@link ai.causeflow.dbaccess.mongo.MongoReadOnlyDataSource} runs {@code find},
 * {@code aggregate}, {@code count} and {@code distinct} command documents after validating every
 * field, stage, operator and collection, read-only, masked and audited. Implementation details
 * live in {@code ai.causeflow.dbaccess.mongo.internal}, which is not API.
 */
@NullMarked
package ai.causeflow.dbaccess.mongo;

import org.jspecify.annotations.NullMarked;

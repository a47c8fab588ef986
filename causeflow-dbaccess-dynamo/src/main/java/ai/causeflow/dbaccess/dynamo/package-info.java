/**
 * DynamoDB backend: {@code GetItem}, {@code Query}, {@code Scan} (and {@code BatchGetItem} when
 * allowed) only, refused before signing for every other API call; STS AssumeRole credentials; IAM
 * policy generation. Everything in this package is stable API; implementation lives in
 * {@code ai.causeflow.dbaccess.dynamo.internal}.
 */
@NullMarked
package ai.causeflow.dbaccess.dynamo;

import org.jspecify.annotations.NullMarked;

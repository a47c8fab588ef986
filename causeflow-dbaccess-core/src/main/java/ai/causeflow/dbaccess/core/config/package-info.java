/**
 * Typed, immutable configuration loaded from {@code relay-config.yaml}, with environment substitution and strict validation that names the key path of every error.
 */
@NullMarked
package ai.causeflow.dbaccess.core.config;

import org.jspecify.annotations.NullMarked;

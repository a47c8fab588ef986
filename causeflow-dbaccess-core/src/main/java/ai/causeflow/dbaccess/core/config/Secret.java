package ai.causeflow.dbaccess.core.config;

import java.util.Objects;

/**
 * A credential read from configuration (password, token, connection URI, HMAC key). It prints as
 * {@code ****} everywhere ({@code toString}, records that hold it, error messages) and is read only
 * through {@link #reveal()} at the point of use.
 *
 * <pre>{@code
 * Secret pw = Secret.of(System.getenv("PG_PASSWORD"));
 * props.setProperty("password", pw.reveal());
 * }</pre>
 *
 * <p>Thread-safety: immutable.
 */
public final class Secret {
  private final String value;

  private Secret(String value) {
    this.value = Objects.requireNonNull(value, "value");
  }

  public static Secret of(String value) {
    return new Secret(value);
  }

  /** The secret itself. Never log or print it. */
  public String reveal() {
    return value;
  }

  public boolean isEmpty() {
    return value.isEmpty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret s && s.value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return "****";
  }
}

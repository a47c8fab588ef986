package ai.causeflow.dbaccess.core.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Statement helpers shared by backends: literal redaction and fingerprints. Stateless. */
public final class Statements {
  private Statements() {}

  /** {@link ai.causeflow.dbaccess.core.spi.Redactors#sql}, which holds the code. */
  public static String redactLiterals(String s) {
    return ai.causeflow.dbaccess.core.spi.Redactors.sql(s);
  }

  /** A short, stable fingerprint of (already redacted) statement text: 16 hex digits of SHA-256. */
  public static String fingerprint(String redacted) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] d = md.digest(redacted.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
  }
}

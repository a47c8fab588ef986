package ai.causeflow.dbaccess.core.masking.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stable pseudonyms: {@code prefix:} followed by the first 8 hex digits of HMAC-SHA256(key, value).
 * The key never leaves this object; {@code toString} does not print it.
 *
 * <p>Thread-safety: thread-safe; each thread uses its own {@link Mac}.
 */
public final class Tokenizer {
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private final SecretKeySpec key;
  private final ThreadLocal<Mac> macs;

  public Tokenizer(String key) {
    if (key.isEmpty()) {
      throw new IllegalArgumentException("tokenization key is empty");
    }
    byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
    this.key = new SecretKeySpec(bytes, "HmacSHA256");
    Arrays.fill(bytes, (byte) 0);
    newMac(); // fail at construction, not on the first row
    this.macs = ThreadLocal.withInitial(this::newMac);
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /** {@code prefix + ":" + 8 hex digits}. */
  public String token(String prefix, String value) {
    byte[] h = macs.get().doFinal(value.getBytes(StandardCharsets.UTF_8));
    char[] out = new char[8];
    for (int i = 0; i < 4; i++) {
      out[2 * i] = HEX[(h[i] >> 4) & 0xf];
      out[2 * i + 1] = HEX[h[i] & 0xf];
    }
    return prefix + ":" + new String(out);
  }

  @Override
  public String toString() {
    return "Tokenizer[HmacSHA256, key=****]";
  }
}

package ai.causeflow.dbaccess.core.masking.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jspecify.annotations.Nullable;

/**
 * JSON documents held as text, so that column and key rules reach their keys. Used only when
 * rules are configured; text that does not parse is scanned as plain text (the detectors still
 * see all of it).
 *
 * <p>Thread-safety: stateless; the mapper is thread-safe once configured.
 */
final class JsonText {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private JsonText() {}

  static boolean looksLikeDocument(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return c == '{' || c == '[';
      }
    }
    return false;
  }

  /** The parsed document (maps, lists, scalars), or null when the text is not JSON. */
  static @Nullable Object parse(String s) {
    try {
      return JSON.readValue(s, Object.class);
    } catch (JsonProcessingException | RuntimeException e) {
      return null;
    }
  }

  static String write(@Nullable Object doc) {
    try {
      return JSON.writeValueAsString(doc);
    } catch (JsonProcessingException e) {
      // only masked maps, lists and scalars reach here; fail closed all the same
      return CustomPattern.WHOLE_VALUE_MASK;
    }
  }
}

package ai.causeflow.dbaccess.core.masking.internal;

import java.util.List;
import java.util.Locale;

/**
 * The built-in detectors, one small object each, from static factories. Formats and validation
 * are documented in {@code docs/masking.md}; each factory's Javadoc gives the short version.
 *
 * <p>Thread-safety: every detector is immutable and stateless.
 */
public final class Detectors {
  private Detectors() {}

  /** Every built-in detector name, in the order the scanner consults them. */
  public static final List<String> NAMES = List.of("private_key", "url_credentials", "email",
      "bearer_token", "secret_assignment", "jwt", "aws_access_key", "iban", "cnpj", "cpf", "credit_card", "us_ssn",
      "phone", "ipv4", "ipv6");

  /** The built-in detector called {@code name}. */
  public static Detector byName(String name) {
    return switch (name) {
      case "email" -> email();
      case "credit_card" -> creditCard();
      case "cpf" -> cpf();
      case "cnpj" -> cnpj();
      case "phone" -> phone();
      case "bearer_token" -> bearerToken();
      case "jwt" -> jwt();
      case "aws_access_key" -> awsAccessKey();
      case "iban" -> iban();
      case "us_ssn" -> usSsn();
      case "url_credentials" -> urlCredentials();
      case "private_key" -> privateKey();
      case "secret_assignment" -> secretAssignment();
      case "ipv4" -> ipv4();
      case "ipv6" -> ipv6();
      default -> throw new IllegalArgumentException("unknown detector '" + name
          + "' (known: " + String.join(", ", NAMES) + ")");
    };
  }

  /** {@code local@domain.tld}: dot-separated domain labels, a final label of 2+ letters. */
  public static Detector email() {
    return Email.INSTANCE;
  }

  /** 13-19 digits, bare (13-16 and 19, unless labelled an id) or in 4-digit groups / 4-6-5 /
   * 4-6-4 with spaces or dashes; issuer digit 3-6 or 2221-2720; Luhn-valid; never signed. */
  public static Detector creditCard() {
    return Card.INSTANCE;
  }

  /** {@code 000.000.000-00} always; 11 bare digits when both mod-11 check digits hold. */
  public static Detector cpf() {
    return Cpf.INSTANCE;
  }

  /** {@code 00.000.000/0000-00} always; 14 bare digits when both check digits hold. */
  public static Detector cnpj() {
    return Cnpj.INSTANCE;
  }

  /** Brazilian, North American and {@code +}-prefixed international numbers with separators. */
  public static Detector phone() {
    return Phone.INSTANCE;
  }

  /** {@code Bearer <token>}: the token is masked, the word kept. */
  public static Detector bearerToken() {
    return Bearer.INSTANCE;
  }

  /** {@code eyJ...}.{@code eyJ...}.signature: a JSON Web Token. */
  public static Detector jwt() {
    return Jwt.INSTANCE;
  }

  /** {@code AKIA}/{@code ASIA} followed by 16 upper-case letters or digits. */
  public static Detector awsAccessKey() {
    return AwsKey.INSTANCE;
  }

  /** Country code, check digits, 11-30 alphanumerics (compact or in groups of 4); mod-97 valid. */
  public static Detector iban() {
    return Iban.INSTANCE;
  }

  /** {@code AAA-GG-SSSS} with area not 000/666/9xx, group not 00, serial not 0000. */
  public static Detector usSsn() {
    return Ssn.INSTANCE;
  }

  /** The password in {@code scheme://user:password@host}. */
  public static Detector urlCredentials() {
    return UrlCredentials.INSTANCE;
  }

  /** A PEM {@code -----BEGIN ... PRIVATE KEY-----} block, to its END line or the end of text. */
  public static Detector privateKey() {
    return PrivateKey.INSTANCE;
  }

  /**
   * The value of a secret-named key ({@code password=...}, {@code "api_key": "..."},
   * {@code Authorization: Basic ...}, {@code Password=...;}) and the secret part of tokens with a
   * well-known prefix ({@code ghp_}, {@code xoxb-}, {@code sk_live_}, {@code AIza}...).
   */
  public static Detector secretAssignment() {
    return SecretAssignment.INSTANCE;
  }

  /** Dotted-quad IPv4 address (off by default). */
  public static Detector ipv4() {
    return Ipv4.INSTANCE;
  }

  /** IPv6 address in full or {@code ::}-compressed form (off by default). */
  public static Detector ipv6() {
    return Ipv6.INSTANCE;
  }

  // ---------------------------------------------------------------- shared rules

  /**
   * Whether a column or JSON key names an identifier (its last {@code _}/{@code .}-separated
   * part is an id label such as {@code queryid}, {@code id}, {@code ts_ns}, or it ends in a
   * camel-case {@code Id}): a digits-only value under it is an id, as after such a label in text.
   */
  public static boolean identifierKey(String key) {
    int start = key.length();
    while (start > 0 && Chars.alnum(key.charAt(start - 1))) {
      start--;
    }
    return Card.identifierWord(key, start, key.length());
  }

  private static final String UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  private static final String DIGITS = "0123456789";

  /**
   * Whether the digits at {@code from} are a signed number ({@code -} not preceded by a letter or
   * digit): identifiers such as pg_stat_statements query ids, never cards or tax numbers.
   */
  static boolean signed(CharSequence s, int from) {
    return from > 0 && s.charAt(from - 1) == '-' && (from == 1 || !Chars.alnum(s.charAt(from - 2)));
  }

  // ---------------------------------------------------------------- number detectors

  private static final class Card extends NumberDetector {
    static final Card INSTANCE = new Card();

    Card() {
      super("credit_card");
    }

    @Override
    int minDigits() {
      return 13;
    }

    @Override
    int match(CharSequence s, int from, int end) {
      if (!Chars.digit(s.charAt(from)) || signed(s, from) || !issuer(s, from, end)) {
        return -1;
      }
      int run = Chars.digitRun(s, from, end);
      if (run >= 13) {
        // Bare runs of 17-18 digits are identifiers (snowflake ids, nanosecond times). A bare
        // 19-digit run in text is a card (Visa, Maestro, UnionPay, Discover and JCB issue 19-digit
        // PANs) unless a label names it an identifier (queryid=..., "id": ...); typed numbers of
        // 17+ digits never reach the detectors (ValueMasker), so bigint ids stay intact.
        boolean length = run <= 16 || (run == 19 && !identifierLabel(s, from));
        return length && bareIssuer(s, from, run) && Checksums.luhn(s, from, from + run)
            ? from + run : -1;
      }
      if (run != 4 || from + 4 >= end) {
        return -1;
      }
      char sep = s.charAt(from + 4);
      if (sep != ' ' && sep != '-') {
        return -1;
      }
      int i = from + 4;
      int total = 4;
      int groups = 1;
      int second = 0;
      boolean allFour = true;
      int best = -1;
      while (i + 1 < end && s.charAt(i) == sep && Chars.digit(s.charAt(i + 1))) {
        int len = Chars.digitRun(s, i + 1, end);
        total += len;
        groups++;
        i += 1 + len;
        if (total > 19) {
          break;
        }
        if (groups == 2) {
          second = len;
        }
        boolean shape = (allFour && len <= 4 && groups >= 4 && total >= 13)
            || (groups == 3 && second == 6 && (len == 4 || len == 5));
        if (shape && Checksums.luhn(s, from, i)) {
          best = i;
        }
        if (len != 4) {
          allFour = false;
          if (groups >= 3) {
            break;
          }
        }
      }
      return best;
    }

    /**
     * Bare digits carry no formatting hint, so their prefix must fit their length: 13 digits are
     * Visa (4), 14 Diners (30, 36, 38), 15 American Express (34, 37), 16 any issuer below.
     */
    private static boolean bareIssuer(CharSequence s, int from, int run) {
      char c0 = s.charAt(from);
      char c1 = s.charAt(from + 1);
      return switch (run) {
        case 13 -> c0 == '4';
        case 14 -> c0 == '3' && (c1 == '0' || c1 == '6' || c1 == '8');
        case 15 -> c0 == '3' && (c1 == '4' || c1 == '7');
        // 19: Visa 4, Maestro 50 and 56-58, Discover/UnionPay/Maestro 6, JCB 35
        case 19 -> c0 == '4' || c0 == '6' || (c0 == '3' && c1 == '5')
            || (c0 == '5' && (c1 == '0' || (c1 >= '6' && c1 <= '8')));
        default -> true;
      };
    }

    /** Label words that name the number after them an identifier, not a card. */
    private static final java.util.Set<String> ID_LABELS = java.util.Set.of("id", "ids", "pid",
        "xid", "queryid", "snowflake", "ts", "ns", "nanos", "time", "timestamp", "seq", "lsn",
        "offset");

    /**
     * Whether the word just before {@code from} (skipping up to three of {@code = : " ' space})
     * is an identifier label: the last {@code _}-separated part is one of {@link #ID_LABELS} in
     * any case ({@code queryid=}, {@code "query_id": }, {@code snowflake }, {@code ts_ns=}), or
     * it ends in a camel-case {@code Id}/{@code ID} ({@code userId=}).
     */
    private static boolean identifierLabel(CharSequence s, int from) {
      int i = from - 1;
      int skipped = 0;
      while (i >= 0 && skipped < 3 && " =:\"'".indexOf(s.charAt(i)) >= 0) {
        i--;
        skipped++;
      }
      int end = i + 1;
      while (i >= 0 && end - i <= 32 && Chars.alnum(s.charAt(i))) {
        i--;
      }
      return identifierWord(s, i + 1, end);
    }

    /** The word {@code s[start, end)} (letters and digits) is an identifier label. */
    static boolean identifierWord(CharSequence s, int start, int end) {
      if (end - start < 2) {
        return false;
      }
      if (end - start > 2 && s.charAt(end - 2) == 'I' && (s.charAt(end - 1) == 'd'
          || s.charAt(end - 1) == 'D') && Chars.lower(s.charAt(end - 3))) {
        return true;
      }
      return ID_LABELS.contains(
          s.subSequence(start, end).toString().toLowerCase(java.util.Locale.ROOT));
    }

    /** Major industry identifier of a payment card: 3-6, or the 2221-2720 Mastercard range. */
    private static boolean issuer(CharSequence s, int from, int end) {
      char c = s.charAt(from);
      if (c >= '3' && c <= '6') {
        return true;
      }
      if (c != '2' || Chars.digitRun(s, from, end) < 4) {
        return false;
      }
      int v = Shapes.number(s, from, 4);
      return v >= 2221 && v <= 2720;
    }

    @Override
    void redact(CharSequence s, int start, int end, StringBuilder out) {
      out.append("****-****-****-****");
    }
  }

  private static final class Cpf extends NumberDetector {
    static final Cpf INSTANCE = new Cpf();

    Cpf() {
      super("cpf");
    }

    @Override
    int minDigits() {
      return 11;
    }

    @Override
    int match(CharSequence s, int from, int end) {
      if (Shapes.fits(s, from, end, "###.###.###-##")) {
        return from + 14;
      }
      if (Chars.digit(s.charAt(from)) && Chars.digitRun(s, from, end) == 11 && !signed(s, from)
          && Checksums.cpf(s, from, from + 11)) {
        return from + 11;
      }
      return -1;
    }

    @Override
    void redact(CharSequence s, int start, int end, StringBuilder out) {
      out.append("***.***.***-**");
    }
  }

  private static final class Cnpj extends NumberDetector {
    static final Cnpj INSTANCE = new Cnpj();

    Cnpj() {
      super("cnpj");
    }

    @Override
    int minDigits() {
      return 14;
    }

    @Override
    int match(CharSequence s, int from, int end) {
      if (Shapes.fits(s, from, end, "##.###.###/####-##")) {
        return from + 18;
      }
      if (Chars.digit(s.charAt(from)) && Chars.digitRun(s, from, end) == 14 && !signed(s, from)
          && Checksums.cnpj(s, from, from + 14)) {
        return from + 14;
      }
      return -1;
    }

    @Override
    void redact(CharSequence s, int start, int end, StringBuilder out) {
      out.append("**.***.***/****-**");
    }
  }

  private static final class Ssn extends NumberDetector {
    static final Ssn INSTANCE = new Ssn();

    Ssn() {
      super("us_ssn");
    }

    @Override
    int minDigits() {
      return 9;
    }

    @Override
    int match(CharSequence s, int from, int end) {
      if (!Shapes.fits(s, from, end, "###-##-####")) {
        return -1;
      }
      int area = Shapes.number(s, from, 3);
      int group = Shapes.number(s, from + 4, 2);
      int serial = Shapes.number(s, from + 7, 4);
      boolean valid = area != 0 && area != 666 && area < 900 && group != 0 && serial != 0;
      return valid ? from + 11 : -1;
    }

    @Override
    void redact(CharSequence s, int start, int end, StringBuilder out) {
      out.append("***-**-****");
    }
  }

  private static final class Phone extends NumberDetector {
    static final Phone INSTANCE = new Phone();

    Phone() {
      super("phone");
    }

    @Override
    int minDigits() {
      return 8;
    }

    @Override
    int minDigitsWithoutPlus() {
      return 10; // (11) 3456-7890, 555-234-5678: only +-prefixed numbers may be shorter
    }

    @Override
    int match(CharSequence s, int from, int end) {
      char c = s.charAt(from);
      if (c == '+') {
        return international(s, from, end);
      }
      if (c == '(') {
        return parenthesised(s, from, end);
      }
      // North American 1-NPA-NXX-XXXX / NPA-NXX-XXXX / NPA.NXX.XXXX
      if (c == '1' && from + 1 < end) {
        char sep = s.charAt(from + 1);
        if ((sep == '-' || sep == '.' || sep == ' ') && northAmerican(s, from + 2, end, sep)) {
          return from + 14;
        }
      }
      if (northAmerican(s, from, end, '-') || northAmerican(s, from, end, '.')) {
        return from + 12;
      }
      // Brazilian DD NNNNN-NNNN / DD 9 NNNN-NNNN (the mobile 9 written apart) / DD NNNN-NNNN
      if (Shapes.fits(s, from, end, "## #####-####")) {
        return from + 13;
      }
      if (Shapes.fits(s, from, end, "## # ####-####") && s.charAt(from + 3) == '9') {
        return from + 14;
      }
      if (Shapes.fits(s, from, end, "## ####-####")) {
        return from + 12;
      }
      return -1;
    }

    private static boolean northAmerican(CharSequence s, int from, int end, char sep) {
      return from + 12 <= end && Chars.digitRun(s, from, end) == 3 && s.charAt(from + 3) == sep
          && Chars.digitRun(s, from + 4, end) == 3 && s.charAt(from + 7) == sep
          && Chars.digitRun(s, from + 8, end) == 4;
    }

    /** (DD) NNNNN-NNNN, (DD) 9 NNNN-NNNN, (DD) NNNN-NNNN (Brazil) and (NPA) NXX-XXXX (North America). */
    private static int parenthesised(CharSequence s, int from, int end) {
      int j = from + 1;
      int area = Chars.digitRun(s, j, end);
      j += area;
      if ((area != 2 && area != 3) || j >= end || s.charAt(j) != ')') {
        return -1;
      }
      j++;
      if (j < end && s.charAt(j) == ' ') {
        j++;
      }
      int mid = Chars.digitRun(s, j, end);
      if (area == 2 && mid == 1 && s.charAt(j) == '9' && j + 2 < end && s.charAt(j + 1) == ' '
          && Chars.digitRun(s, j + 2, end) == 4) {
        mid = 4; // (11) 9 8765-4321: the mobile 9 written apart
        j += 2;
      }
      j += mid;
      boolean ok = area == 3 ? mid == 3 : (mid == 4 || mid == 5);
      if (!ok || j >= end) {
        return -1;
      }
      char sep = s.charAt(j);
      if (sep != '-' && sep != '.' && sep != ' ') {
        return -1;
      }
      j++;
      return Chars.digitRun(s, j, end) == 4 ? j + 4 : -1;
    }

    /**
     * {@code +} country code, then digit groups separated by one space, dash or dot, a group may be
     * in parentheses; 8-15 digits in all (E.164), or 10-15 when written without separators.
     */
    private static int international(CharSequence s, int from, int end) {
      int j = from + 1;
      int run = Chars.digitRun(s, j, end);
      if (run == 0 || run > 15) {
        return -1;
      }
      int total = run;
      j += run;
      int best = run >= 10 ? j : -1;
      boolean afterParen = false;
      while (j < end) {
        char c = s.charAt(j);
        int k = j;
        if (c == ' ' || c == '-' || c == '.') {
          k++;
        } else if (!(afterParen && Chars.digit(c)) && c != '(') {
          break;
        }
        boolean paren = k < end && s.charAt(k) == '(';
        if (paren) {
          k++;
        }
        int len = Chars.digitRun(s, k, end);
        if (len == 0) {
          break;
        }
        k += len;
        if (paren) {
          if (k >= end || s.charAt(k) != ')') {
            break;
          }
          k++;
        }
        total += len;
        if (total > 15) {
          break;
        }
        afterParen = paren;
        j = k;
        if (total >= 8) {
          best = j;
        }
      }
      return best;
    }

    @Override
    void redact(CharSequence s, int start, int end, StringBuilder out) {
      out.append("(**) *****-****");
    }
  }

  private static final class Ipv4 extends NumberDetector {
    static final Ipv4 INSTANCE = new Ipv4();

    Ipv4() {
      super("ipv4");
    }

    @Override
    int minDigits() {
      return 4;
    }

    @Override
    int match(CharSequence s, int from, int end) {
      int j = from;
      for (int octet = 0; octet < 4; octet++) {
        if (octet > 0) {
          if (j >= end || s.charAt(j) != '.') {
            return -1;
          }
          j++;
        }
        int len = Chars.digitRun(s, j, end);
        if (len == 0 || len > 3 || Shapes.number(s, j, len) > 255) {
          return -1;
        }
        j += len;
      }
      return j;
    }

    @Override
    void redact(CharSequence s, int start, int end, StringBuilder out) {
      out.append("***.***.***.***");
    }

    @Override
    void partial(CharSequence s, int start, int end, StringBuilder out) {
      int dots = 0;
      for (int i = start; i < end; i++) {
        char c = s.charAt(i);
        if (c == '.') {
          dots++;
        }
        out.append(dots >= 2 && Chars.digit(c) ? '*' : c);
      }
    }

    @Override
    String canonical(CharSequence s, int start, int end) {
      return Shapes.raw(s, start, end);
    }
  }

  // ---------------------------------------------------------------- text detectors

  private static final class Email extends TextDetector {
    static final Email INSTANCE = new Email();

    Email() {
      super("email");
    }

    @Override
    String triggers() {
      return "@%\\";
    }

    // non-ASCII letters count (joão@exemplo.com.br, internationalised domains): stopping at
    // them would leave part of the address visible
    private static boolean local(char c) {
      return Chars.alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'
          || nonAsciiLetter(c); // no apostrophe: it closes SQL literals around addresses
    }

    private static boolean domain(char c) {
      return Chars.alnum(c) || c == '.' || c == '-' || nonAsciiLetter(c);
    }

    private static boolean nonAsciiLetter(char c) {
      return c >= 128 && Character.isLetterOrDigit(c);
    }

    /**
     * The length of the separator at {@code at}: {@code @}, or its percent-encoded ({@code %40},
     * query strings and access logs) or JSON-escaped (backslash-u0040) spelling; 0 when none.
     */
    private static int separator(CharSequence s, int at) {
      char c = s.charAt(at);
      if (c == '@') {
        return 1;
      }
      if (c == '%') {
        return at + 2 < s.length() && s.charAt(at + 1) == '4' && s.charAt(at + 2) == '0' ? 3 : 0;
      }
      return Chars.startsWith(s, at, "\\u0040") ? 6 : 0;
    }

    @Override
    long find(CharSequence s, int at, int floor) {
      int sep = separator(s, at);
      if (sep == 0) {
        return NONE;
      }
      int mark = at;
      // a doubly escaped separator (JSON inside a JSON string): the extra backslashes belong to it
      while (sep == 6 && mark > floor && s.charAt(mark - 1) == '\\') {
        mark--;
      }
      int start = mark;
      while (start > floor && local(s.charAt(start - 1))) {
        if (start - 3 >= floor && s.charAt(start - 1) == '0' && s.charAt(start - 2) == '4'
            && s.charAt(start - 3) == '%') {
          break; // an earlier encoded separator: scanning past it would make a%40a%40... quadratic
        }
        start--;
      }
      while (start < mark && s.charAt(start) == '.') {
        start++;
      }
      if (start == mark) {
        return NONE;
      }
      int n = s.length();
      int first = at + sep;
      int end = first;
      while (end < n && domain(s.charAt(end))) {
        end++;
      }
      while (end > first && (s.charAt(end - 1) == '.' || s.charAt(end - 1) == '-')) {
        end--;
      }
      // labels non-empty, at least one dot, last label 2+ letters
      int lastDot = -1;
      for (int i = first; i < end; i++) {
        if (s.charAt(i) == '.') {
          if (i == first || s.charAt(i - 1) == '.') {
            return NONE;
          }
          lastDot = i;
        }
      }
      if (lastDot < 0 || end - lastDot - 1 < 2) {
        return NONE;
      }
      for (int i = lastDot + 1; i < end; i++) {
        if (!Chars.letter(s.charAt(i)) && !nonAsciiLetter(s.charAt(i))) {
          return NONE;
        }
      }
      return span(start, end);
    }

    @Override
    void redact(CharSequence s, int start, int end, StringBuilder out) {
      out.append("***@***.***");
    }

    @Override
    void partial(CharSequence s, int start, int end, StringBuilder out) {
      int at = at(s, start, end);
      if (at < 0) {
        redact(s, start, end, out);
      } else {
        out.append("***@").append(s, at + separator(s, at), end);
      }
    }

    /** The separator's position; its local part has no '@', '%40' or '\\u0040' before it. */
    private static int at(CharSequence s, int start, int end) {
      for (int i = start; i < end; i++) {
        char c = s.charAt(i);
        if ((c == '@' || c == '%' || c == '\\') && separator(s, i) > 0) {
          return i;
        }
      }
      return -1;
    }

    @Override
    String canonical(CharSequence s, int start, int end) {
      // one address, one token: whichever way its '@' was spelt
      int at = at(s, start, end);
      String raw = at < 0 ? Shapes.raw(s, start, end)
          : Shapes.raw(s, start, at).replace("\\", "") + "@"
              + Shapes.raw(s, at + separator(s, at), end);
      return raw.toLowerCase(Locale.ROOT);
    }
  }

  /** Base for detectors of secrets: partial masking shows nothing, tokens hash the raw text. */
  private abstract static class Secret extends TextDetector {
    Secret(String name) {
      super(name);
    }

    @Override
    void partial(CharSequence s, int start, int end, StringBuilder out) {
      redact(s, start, end, out);
    }

    @Override
    String canonical(CharSequence s, int start, int end) {
      return Shapes.raw(s, start, end);
    }
  }

  private static final class UrlCredentials extends Secret {
    static final UrlCredentials INSTANCE = new UrlCredentials();

    UrlCredentials() {
      super("url_credentials");
    }

    @Override
    String triggers() {
      return "@";
    }

    private static boolean authorityEnd(char c) {
      return c == '/' || c == '?' || c == '#' || c <= ' ' || c == '"' || c == '\'' || c == '<'
          || c == '>' || c == '`';
    }

    @Override
    long find(CharSequence s, int at, int floor) {
      int n = s.length();
      // a later '@' in the same authority means this one is part of the password
      for (int j = at + 1; j < n && !authorityEnd(s.charAt(j)); j++) {
        if (s.charAt(j) == '@') {
          return NONE;
        }
      }
      int colon = -1;
      for (int j = at - 1; j >= floor + 2; j--) {
        char c = s.charAt(j);
        if (c == '/' && s.charAt(j - 1) == '/' && s.charAt(j - 2) == ':') {
          if (colon < 0 || colon == at - 1 || j - 2 == floor || !Chars.letter(s.charAt(j - 3))) {
            return NONE;
          }
          return span(colon + 1, at);
        }
        if (c <= ' ' || c == '/' || c == '"' || c == '\'' || c == '<' || c == '>') {
          return NONE;
        }
        if (c == ':') {
          colon = j; // keeps the first ':' after the scheme: the user part has none
        }
      }
      return NONE;
    }

    @Override
    void redact(CharSequence s, int start, int end, StringBuilder out) {
      out.append("***");
    }
  }

  /**
   * Secrets named by their key, and tokens named by their prefix. Triggered at {@code =} and
   * {@code :} (then the key before it must end in a secret word: a few character compares, no
   * scan of the key), and at {@code _}, {@code -} and {@code z} (then a known prefix must end
   * there). Only the value is masked: the key, the quotes and the prefix stay readable.
   */
  static final class SecretAssignment extends Secret {
    static final SecretAssignment INSTANCE = new SecretAssignment();

    SecretAssignment() {
      super("secret_assignment");
    }

    @Override
    String triggers() {
      return "=:_-z'>";
    }

    private static final int PLAIN = 0;
    private static final int AUTHORIZATION = 1;
    private static final int PWD = 2;

    @Override
    long find(CharSequence s, int at, int floor) {
      char c = s.charAt(at);
      if (c == '\'') {
        return sqlPassword(s, at, floor);
      }
      if (c == '>') {
        return xmlElement(s, at, floor);
      }
      return c == '=' || c == ':' ? assignment(s, at, floor) : prefixed(s, at, floor);
    }

    /** {@code <password>...</password>}, {@code <ns:apiKey>...<}: SOAP and XML config in logs. */
    private static long xmlElement(CharSequence s, int at, int floor) {
      if (secretKey(s, at, floor) != PLAIN) {
        return NONE;
      }
      int start = at;
      while (start > floor && at - start <= 64 && (Chars.word(s.charAt(start - 1))
          || s.charAt(start - 1) == '-' || s.charAt(start - 1) == '.'
          || s.charAt(start - 1) == ':')) {
        start--;
      }
      if (start == floor || s.charAt(start - 1) != '<') {
        return NONE;
      }
      int n = s.length();
      int end = at + 1;
      while (end < n && s.charAt(end) != '<' && s.charAt(end) != '\n') {
        end++;
      }
      return end == at + 1 || placeholder(s, at + 1, end) || reference(s, at + 1, PLAIN) ? NONE
          : span(at + 1, end);
    }

    /**
     * {@code [ENCRYPTED] PASSWORD 'literal'} of CREATE/ALTER ROLE|USER: statement text as
     * pg_stat_activity and server logs show it, with the literal still in place.
     */
    private static long sqlPassword(CharSequence s, int at, int floor) {
      int keyEnd = at;
      while (keyEnd > floor && s.charAt(keyEnd - 1) == ' ') {
        keyEnd--;
      }
      if (keyEnd == at || !word(s, keyEnd, floor, "password")) {
        return NONE;
      }
      int end = valueEnd(s, at + 1, '\'');
      return end <= at + 1 || reference(s, at + 1, PLAIN) || placeholder(s, at + 1, end) ? NONE
          : span(at + 1, end);
    }

    /** The last letter of a secret word (password, secret, token, apikey, authorization...). */
    private static final boolean[] KEY_END = table("dDeEtTnNyY");
    /** The letter before the '-' of xox?-, glpat-, sk-. */
    private static final boolean[] DASH_PREFIX_END = table("abeprstk");
    /** The letter before the '_' of gh?_, github_, sk_, rk_, whsec_. */
    private static final boolean[] UNDERSCORE_PREFIX_END = table("pousrbkc");

    private static boolean[] table(String chars) {
      boolean[] t = new boolean[128];
      for (char ch : chars.toCharArray()) {
        t[ch] = true;
      }
      return t;
    }

    /**
     * A small, inlinable pre-check by the scanner at a trigger {@code c}: whether the character
     * before it can end a secret key (past spaces and a closing quote) or a token prefix. Most
     * {@code :} {@code -} {@code _} in incident data (times, UUIDs, snake_case keys such as
     * {@code "order_id":}) stop here without a call.
     */
    static boolean candidate(String s, int at, char c) {
      int j = at - 1;
      if (j < 0) {
        return false;
      }
      char p = s.charAt(j);
      if (c == '-') {
        return p < 128 && DASH_PREFIX_END[p];
      }
      if (c == '_') {
        return p < 128 && UNDERSCORE_PREFIX_END[p];
      }
      if (c == 'z') {
        return p == 'I';
      }
      if (c == '\'') {
        // PASSWORD 'literal': a space, then the key
        if (p != ' ') {
          return false;
        }
      }
      while ((p == ' ' || p == '\t') && j > 0) {
        p = s.charAt(--j);
      }
      if ((p == '"' || p == '\'') && j > 0) {
        p = s.charAt(--j);
        if (p == '\\' && j > 0) {
          p = s.charAt(--j);
        }
      }
      if (p >= 128 || !KEY_END[p] || j == 0) {
        return false;
      }
      // the last two letters of password, passwd, pwd, passphrase, secret, token, authorization,
      // apikey, ..._key: "order_id", "event", "amount", "currency" stop here
      char q = lower(s.charAt(j - 1));
      return switch (lower(p)) {
        case 'd' -> q == 'r' || q == 'w';
        case 'e' -> q == 's';
        case 't' -> q == 'e';
        case 'n' -> q == 'e' || q == 'o';
        default -> q == 'e'; // 'y'
      };
    }

    // ---- key = value

    private long assignment(CharSequence s, int at, int floor) {
      int n = s.length();
      if (at + 1 < n) {
        char next = s.charAt(at + 1);
        if (next == '=' || next == '/' || next == ':') {
          return NONE; // ==, scheme://, ::
        }
      }
      int keyEnd = at;
      while (keyEnd > floor && (s.charAt(keyEnd - 1) == ' ' || s.charAt(keyEnd - 1) == '\t')) {
        keyEnd--;
      }
      if (keyEnd > floor && (s.charAt(keyEnd - 1) == '"' || s.charAt(keyEnd - 1) == '\'')) {
        keyEnd--;
        if (keyEnd > floor && s.charAt(keyEnd - 1) == '\\') {
          keyEnd--; // an escaped quote: JSON inside a JSON string
        }
      }
      int kind = secretKey(s, keyEnd, floor);
      if (kind < 0) {
        return NONE;
      }
      int v = at + 1;
      while (v < n && (s.charAt(v) == ' ' || s.charAt(v) == '\t')) {
        v++;
      }
      int quote = quoteAt(s, v);
      int from = v + quoteLength(quote);
      if (kind == AUTHORIZATION) {
        int w = from;
        while (w < n && Chars.letter(s.charAt(w))) {
          w++;
        }
        if (w > from && w < n && s.charAt(w) == ' ') {
          if (w - from == 6 && Chars.startsWithIgnoreCase(s, from, "bearer")) {
            return NONE; // bearer_token masks it and keeps its shape
          }
          while (w < n && s.charAt(w) == ' ') {
            w++;
          }
          from = w; // keep the scheme (Basic, Digest...), mask its credentials
        }
      }
      // the cheap checks on the first character come before the value is measured: a value
      // that is refused after a long scan would make inputs such as "password:?password:?..."
      // quadratic
      if (from >= n || reference(s, from, kind)) {
        return NONE;
      }
      int end = valueEnd(s, from, quote);
      if (end <= from || placeholder(s, from, end)) {
        return NONE;
      }
      return span(from, end);
    }

    /**
     * For a value held whole under {@code key} (a row column, a document key): where its secret
     * part starts (0, or after the scheme of an {@code Authorization} value), or -1 when the key
     * names no secret or the value is none (a placeholder, a Bearer token, a JWT...).
     */
    static int valueStart(String key, String value) {
      int kind = secretKey(key, key.length(), 0);
      int n = value.length();
      if (kind < 0 || n == 0) {
        return -1;
      }
      int from = 0;
      if (kind == AUTHORIZATION) {
        int w = 0;
        while (w < n && Chars.letter(value.charAt(w))) {
          w++;
        }
        if (w > 0 && w < n && value.charAt(w) == ' ') {
          if (w == 6 && Chars.startsWithIgnoreCase(value, 0, "bearer")) {
            return -1;
          }
          while (w < n && value.charAt(w) == ' ') {
            w++;
          }
          from = w;
        }
      }
      return from >= n || reference(value, from, kind) || placeholder(value, from, n) ? -1 : from;
    }

    /** Whether {@code key} (a whole column or document key) names a secret. */
    static boolean namesSecret(String key) {
      return secretKey(key, key.length(), 0) >= 0;
    }

    /** The kind of secret the key ending at {@code end} names, or -1. */
    private static int secretKey(CharSequence s, int end, int floor) {
      if (end - 3 < floor) {
        return -1;
      }
      switch (lower(s.charAt(end - 1))) {
        case 'd':
          if (word(s, end, floor, "password") || word(s, end, floor, "passwd")) {
            return PLAIN;
          }
          if (word(s, end, floor, "pwd")) {
            return PWD;
          }
          // PGPASSWORD, the libpq environment variable
          return Chars.startsWithIgnoreCase(s, end - 10, "pgpassword") && end - 10 >= floor
              && boundary(s, end - 10, floor) ? PLAIN : -1;
        case 'e':
          return word(s, end, floor, "passphrase") ? PLAIN : -1;
        case 't':
          return word(s, end, floor, "secret") ? PLAIN : -1;
        case 'n':
          if (word(s, end, floor, "token")) {
            return PLAIN;
          }
          return word(s, end, floor, "authorization") ? AUTHORIZATION : -1;
        case 'y':
          if (word(s, end, floor, "apikey")) {
            return PLAIN;
          }
          if (!word(s, end, floor, "key")) {
            return -1;
          }
          int prev = end - 3;
          if (prev > floor && (s.charAt(prev - 1) == '_' || s.charAt(prev - 1) == '-'
              || s.charAt(prev - 1) == '.')) {
            prev--;
          } else if (!(Chars.upper(s.charAt(end - 3)) && prev > floor
              && Chars.lower(s.charAt(prev - 1)))) {
            return -1; // "monkey", "hotkey": not a separate word
          }
          for (String w : KEY_QUALIFIERS) {
            if (word(s, prev, floor, w)) {
              return PLAIN;
            }
          }
          return -1;
        default:
          return -1;
      }
    }

    /** Words that make a {@code ..._key} a secret (api_key, secret_key, aws_secret_access_key). */
    private static final String[] KEY_QUALIFIERS = {"api", "secret", "access", "private",
        "signing", "encryption", "client", "master", "auth"};

    /**
     * Whether the key ending at {@code end} ends in {@code w} (any case) as a word of its own:
     * at the start of the key, after a non-alphanumeric character, or a camel-case hump
     * ({@code dbPassword}, {@code clientSecret}).
     */
    private static boolean word(CharSequence s, int end, int floor, String w) {
      int start = end - w.length();
      return start >= floor && Chars.startsWithIgnoreCase(s, start, w) && boundary(s, start, floor);
    }

    private static boolean boundary(CharSequence s, int start, int floor) {
      if (start == floor || start == 0) {
        return true;
      }
      char before = s.charAt(start - 1);
      return !Chars.alnum(before) || (Chars.lower(before) && Chars.upper(s.charAt(start)));
    }

    private static char lower(char c) {
      return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
    }

    private static final int NO_QUOTE = 0;
    private static final int ESCAPED_DOUBLE = 1;

    /** The quote opening the value at {@code v}: 0, {@code '"'}, {@code '\''} or escaped {@code \"}. */
    private static int quoteAt(CharSequence s, int v) {
      if (v >= s.length()) {
        return NO_QUOTE;
      }
      char c = s.charAt(v);
      if (c == '"' || c == '\'') {
        return c;
      }
      return c == '\\' && v + 1 < s.length() && s.charAt(v + 1) == '"' ? ESCAPED_DOUBLE : NO_QUOTE;
    }

    private static int quoteLength(int quote) {
      return quote == NO_QUOTE ? 0 : quote == ESCAPED_DOUBLE ? 2 : 1;
    }

    /**
     * Where the value starting at {@code from} ends: at its closing quote, or for a bare value at
     * white space or a delimiter of query strings, connection strings, JSON and SQL. A quoted value
     * that is never closed runs to the end of the line (fail closed: the text was cut).
     */
    private static int valueEnd(CharSequence s, int from, int quote) {
      int n = s.length();
      int j = from;
      if (quote == NO_QUOTE) {
        while (j < n) {
          char c = s.charAt(j);
          if (c <= ' ' || c == ';' || c == '&' || c == ',' || c == '"' || c == '\''
              || c == '<' || c == '>' || c == ')' || c == '}' || c == ']' || c == '\\') {
            break;
          }
          j++;
        }
        return j;
      }
      while (j < n) {
        char c = s.charAt(j);
        if (c == '\n' || c == '\r') {
          return j;
        }
        if (c == '"' && quote != '\'') {
          // backslashes before the quote: JSON escapes it with one, JSON inside a JSON string
          // closes with one and escapes with three (a literal backslash there is four)
          int slashes = 0;
          while (j - slashes - 1 >= from && s.charAt(j - slashes - 1) == '\\') {
            slashes++;
          }
          if (quote == ESCAPED_DOUBLE ? slashes % 4 == 1 : slashes % 2 == 0) {
            return quote == ESCAPED_DOUBLE ? j - 1 : j;
          }
        } else if (c == '\'' && quote == '\'') {
          if (j + 1 < n && s.charAt(j + 1) == '\'') {
            j += 2; // SQL doubles a quote inside a literal: 'it''s'
            continue;
          }
          return j;
        }
        j++;
      }
      return j;
    }

    /**
     * Values that are not secrets: SQL parameters ({@code ?}, {@code $1}, {@code :name}),
     * config placeholders ({@code ${DB_PASSWORD}}), nulls and booleans, values already masked
     * ({@code ***}), nested documents (scanned on their own), a PEM block or a JWT (private_key
     * and jwt mask them in their own shapes) and, for {@code PWD}, the working directory of a process environment.
     * This method decides on the first characters only.
     */
    private static boolean reference(CharSequence s, int from, int kind) {
      char c = s.charAt(from);
      if (c == '?' || c == '{' || c == '[' || c == ':' || (c == '$' && dollarReference(s, from))) {
        return true;
      }
      if (kind == PWD && (c == '/' || c == '~')) {
        return true;
      }
      return (c == '-' && Chars.startsWith(s, from, "-----"))
          || (c == 'e' && Chars.startsWith(s, from, "eyJ")
              && Jwt.INSTANCE.find(s, from + 2, from) != NONE);
    }

    /**
     * {@code $1} (a SQL parameter) or {@code ${NAME}} (a configuration placeholder), looked at
     * within a few characters: a password that merely starts with {@code $} ({@code $8esl...})
     * is a secret.
     */
    private static boolean dollarReference(CharSequence s, int from) {
      int n = s.length();
      int digits = Chars.digitRun(s, from + 1, Math.min(n, from + 6));
      if (digits > 0) {
        return digits <= 4 && !Chars.wordAt(s, from + 1 + digits);
      }
      if (!Chars.at(s, from + 1, '{')) {
        return false;
      }
      for (int k = from + 2; k < Math.min(n, from + 128); k++) {
        char c = s.charAt(k);
        if (c == '}') {
          return k > from + 2;
        }
        if (c <= ' ' || c == '"' || c == '\'' || c == '{') {
          return false;
        }
      }
      return false;
    }

    /** See {@link #reference}: the checks that need the whole value. */
    private static boolean placeholder(CharSequence s, int from, int end) {
      int len = end - from;
      boolean stars = true;
      for (int i = from; i < end && stars; i++) {
        stars = s.charAt(i) == '*';
      }
      if (stars) {
        return true;
      }
      return switch (len) {
        case 3 -> Chars.startsWithIgnoreCase(s, from, "nil");
        case 4 -> Chars.startsWithIgnoreCase(s, from, "null")
            || Chars.startsWithIgnoreCase(s, from, "true")
            || Chars.startsWithIgnoreCase(s, from, "none");
        case 5 -> Chars.startsWithIgnoreCase(s, from, "false");
        default -> false;
      };
    }

    // ---- prefixed tokens

    private static long prefixed(CharSequence s, int at, int floor) {
      char c = s.charAt(at);
      if (at == 0) {
        return NONE;
      }
      // every prefix ends in one of these before its '_', '-' or 'z': most dashes and
      // underscores (dates, UUIDs, snake_case keys) are refused on one compare
      switch (s.charAt(at - 1)) {
        case 'p', 'o', 'u', 's', 'r', 'h', 'k', 'c', 'b', 'a', 'e', 't', 'I' -> { }
        default -> {
          return NONE;
        }
      }
      int start = -1;
      int min = 0;
      boolean dashes = true;
      if (c == '_') {
        if (prefix(s, at - 3, floor, "gh") && "pousr".indexOf(s.charAt(at - 1)) >= 0) {
          start = at + 1; // GitHub ghp_, gho_, ghu_, ghs_, ghr_
          min = 30;
          dashes = false;
        } else if (prefix(s, at - 6, floor, "github") && Chars.startsWith(s, at + 1, "pat_")) {
          start = at + 5;
          min = 30;
        } else if ((prefix(s, at - 2, floor, "sk") || prefix(s, at - 2, floor, "rk"))
            && (Chars.startsWith(s, at + 1, "live_") || Chars.startsWith(s, at + 1, "test_"))) {
          start = at + 6; // Stripe secret and restricted keys
          min = 16;
          dashes = false;
        } else if (prefix(s, at - 5, floor, "whsec")) {
          start = at + 1; // Stripe webhook signing secret
          min = 16;
          dashes = false;
        }
      } else if (c == '-') {
        if (prefix(s, at - 4, floor, "xox") && "abeprs".indexOf(s.charAt(at - 1)) >= 0) {
          start = at + 1; // Slack xoxb-, xoxp-, xoxa-, xoxe-, xoxr-, xoxs-
          min = 10;
        } else if (prefix(s, at - 5, floor, "glpat")) {
          start = at + 1; // GitLab personal access token
          min = 20;
        } else if (prefix(s, at - 2, floor, "sk")) {
          start = at + 1; // OpenAI / Anthropic style sk-..., sk-proj-..., sk-ant-...
          min = 32;
        }
      } else if (c == 'z' && prefix(s, at - 2, floor, "AI") && Chars.at(s, at + 1, 'a')) {
        start = at + 2; // Google API key: AIza + 35 characters
        min = 35;
      }
      if (start < 0) {
        return NONE;
      }
      int n = s.length();
      int end = start;
      while (end < n && (Chars.alnum(s.charAt(end)) || s.charAt(end) == '_'
          || (dashes && s.charAt(end) == '-'))) {
        end++;
      }
      if (end - start < min || (!dashes && end < n && s.charAt(end) == '-')) {
        return NONE;
      }
      for (int i = start; i < end; i++) {
        if (Chars.digit(s.charAt(i))) {
          return span(start, end); // real tokens carry digits; "sk-ant-deployment-notes" does not
        }
      }
      return NONE;
    }

    /** Whether {@code lit} starts a token at {@code i} (nothing word-like glued before it). */
    private static boolean prefix(CharSequence s, int i, int floor, String lit) {
      return i >= floor && Chars.startsWith(s, i, lit) && !Chars.wordBefore(s, i)
          && !(i > 0 && s.charAt(i - 1) == '-');
    }

    @Override
    void redact(CharSequence s, int start, int end, StringBuilder out) {
      out.append("***");
    }
  }

  private static final class Bearer extends Secret {
    static final Bearer INSTANCE = new Bearer();

    Bearer() {
      super("bearer_token");
    }

    @Override
    String triggers() {
      return "Bb";
    }

    @Override
    String[] followers() {
      return new String[] {"Ee", "Aa", "Rr"};
    }

    private static boolean token(char c) {
      return Chars.alnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
    }

    @Override
    long find(CharSequence s, int at, int floor) {
      if (!Chars.startsWithIgnoreCase(s, at, "bearer") || Chars.wordBefore(s, at)) {
        return NONE;
      }
      int n = s.length();
      int j = at + 6;
      int spaces = j;
      while (j < n && (s.charAt(j) == ' ' || s.charAt(j) == '\t')) {
        j++;
      }
      if (j == spaces) {
        return NONE;
      }
      int start = j;
      boolean digit = false;
      while (j < n && token(s.charAt(j))) {
        digit |= Chars.digit(s.charAt(j));
        j++;
      }
      while (j < n && s.charAt(j) == '=') {
        j++;
      }
      int len = j - start;
      // "Bearer authentication" is prose; tokens are long or carry digits
      if (len < 8 || (len < 16 && !digit)) {
        return NONE;
      }
      return span(start, j);
    }

    @Override
    void redact(CharSequence s, int start, int end, StringBuilder out) {
      out.append("***");
    }
  }

  private static final class Jwt extends Secret {
    static final Jwt INSTANCE = new Jwt();

    Jwt() {
      super("jwt");
    }

    @Override
    String triggers() {
      return "J";
    }

    @Override
    long find(CharSequence s, int at, int floor) {
      int start = at - 2;
      if (start < floor || !Chars.startsWith(s, start, "eyJ")
          || (start > 0 && (Chars.base64Url(s.charAt(start - 1)) || s.charAt(start - 1) == '.'))) {
        return NONE;
      }
      int n = s.length();
      int j = segment(s, start, n);
      if (j == start || j >= n || s.charAt(j) != '.' || !Chars.startsWith(s, j + 1, "eyJ")) {
        return NONE;
      }
      int k = segment(s, j + 1, n);
      if (k >= n || s.charAt(k) != '.') {
        return NONE;
      }
      return span(start, segment(s, k + 1, n));
    }

    private static int segment(CharSequence s, int from, int n) {
      int j = from;
      while (j < n && Chars.base64Url(s.charAt(j))) {
        j++;
      }
      return j;
    }

    @Override
    void redact(CharSequence s, int start, int end, StringBuilder out) {
      out.append("***.***.***");
    }
  }

  private static final class AwsKey extends Secret {
    static final AwsKey INSTANCE = new AwsKey();

    AwsKey() {
      super("aws_access_key");
    }

    @Override
    String triggers() {
      return "A";
    }

    @Override
    String[] followers() {
      return new String[] {"KS", "IS", "A"};
    }

    @Override
    long find(CharSequence s, int at, int floor) {
      if (!(Chars.startsWith(s, at, "AKIA") || Chars.startsWith(s, at, "ASIA"))
          || Chars.wordBefore(s, at) || at + 20 > s.length()) {
        return NONE;
      }
      for (int j = at + 4; j < at + 20; j++) {
        char c = s.charAt(j);
        if (!Chars.upper(c) && !Chars.digit(c)) {
          return NONE;
        }
      }
      return Chars.wordAt(s, at + 20) ? NONE : span(at, at + 20);
    }

    @Override
    void redact(CharSequence s, int start, int end, StringBuilder out) {
      out.append(s, start, start + 4).append("****************");
    }

    @Override
    void partial(CharSequence s, int start, int end, StringBuilder out) {
      out.append(s, start, start + 4).append("************").append(s, end - 4, end);
    }
  }

  private static final class PrivateKey extends Secret {
    static final PrivateKey INSTANCE = new PrivateKey();

    PrivateKey() {
      super("private_key");
    }

    @Override
    String triggers() {
      return "-";
    }

    @Override
    String[] followers() {
      return new String[] {"-", "-", "-", "-", "B"};
    }

    @Override
    long find(CharSequence s, int at, int floor) {
      if (!Chars.startsWith(s, at, "-----BEGIN ")) {
        return NONE;
      }
      int n = s.length();
      int j = at + 11;
      int limit = Math.min(n, j + 64);
      int labelEnd = -1;
      for (int k = j; k < limit; k++) {
        if (Chars.startsWith(s, k, "-----")) {
          labelEnd = k;
          break;
        }
      }
      if (labelEnd < 0 || !contains(s, j, labelEnd, "PRIVATE KEY")) {
        return NONE;
      }
      // to the closing "-----END ...-----", or to the end of the text when it was cut
      int end = n;
      for (int k = labelEnd + 5; k < n; k++) {
        if (s.charAt(k) == '-' && Chars.startsWith(s, k, "-----END ")) {
          int close = k + 9;
          while (close < n && !Chars.startsWith(s, close, "-----")) {
            close++;
          }
          end = Math.min(n, close + 5);
          break;
        }
      }
      return span(at, end);
    }

    private static boolean contains(CharSequence s, int from, int end, String lit) {
      for (int k = from; k + lit.length() <= end; k++) {
        if (Chars.startsWith(s, k, lit)) {
          return true;
        }
      }
      return false;
    }

    @Override
    void redact(CharSequence s, int start, int end, StringBuilder out) {
      out.append("-----BEGIN PRIVATE KEY-----***-----END PRIVATE KEY-----");
    }
  }

  private static final class Iban extends TextDetector {
    static final Iban INSTANCE = new Iban();

    Iban() {
      super("iban");
    }

    @Override
    String triggers() {
      return UPPER;
    }

    @Override
    String[] followers() {
      return new String[] {UPPER, DIGITS, DIGITS};
    }

    private static boolean part(char c) {
      return Chars.upper(c) || Chars.digit(c);
    }

    @Override
    long find(CharSequence s, int at, int floor) {
      int n = s.length();
      if (at + 4 > n || !Chars.upper(s.charAt(at + 1)) || !Chars.digit(s.charAt(at + 2))
          || !Chars.digit(s.charAt(at + 3)) || Chars.wordBefore(s, at)) {
        return NONE;
      }
      int run = at;
      while (run < n && part(s.charAt(run))) {
        run++;
      }
      if (run - at >= 15) {
        // compact form
        return run - at <= 34 && !Chars.wordAt(s, run) && Checksums.iban(s, at, run)
            ? span(at, run) : NONE;
      }
      if (run - at != 4) {
        return NONE;
      }
      // print form: groups of four separated by single spaces, the last one shorter
      int j = run;
      int best = -1;
      int chars = 4;
      while (j + 1 < n && s.charAt(j) == ' ' && part(s.charAt(j + 1))) {
        int k = j + 1;
        while (k < n && part(s.charAt(k))) {
          k++;
        }
        int len = k - j - 1;
        if (len > 4 || chars + len > 34 || Chars.wordAt(s, k)) {
          break;
        }
        chars += len;
        j = k;
        if (chars >= 15 && Checksums.iban(s, at, j)) {
          best = j;
        }
        if (len < 4) {
          break;
        }
      }
      return best < 0 ? NONE : span(at, best);
    }

    @Override
    void redact(CharSequence s, int start, int end, StringBuilder out) {
      out.append(s, start, start + 2).append("** **** **** **** ****");
    }

    @Override
    void partial(CharSequence s, int start, int end, StringBuilder out) {
      Shapes.keepEnds(s, start, end, 2, 4, out);
    }

    @Override
    String canonical(CharSequence s, int start, int end) {
      StringBuilder b = new StringBuilder(end - start);
      for (int i = start; i < end; i++) {
        if (s.charAt(i) != ' ') {
          b.append(s.charAt(i));
        }
      }
      return b.toString();
    }
  }

  private static final class Ipv6 extends TextDetector {
    static final Ipv6 INSTANCE = new Ipv6();

    Ipv6() {
      super("ipv6");
    }

    @Override
    String triggers() {
      return ":";
    }

    @Override
    String[] followers() {
      return new String[] {"0123456789abcdefABCDEF:"};
    }

    /** Longest IPv6 text without a zone or embedded IPv4 (8 groups of 4 and 7 colons). */
    private static final int MAX = 39;

    private static boolean part(char c) {
      return Chars.hex(c) || c == ':';
    }

    @Override
    long find(CharSequence s, int at, int floor) {
      int n = s.length();
      int start = at;
      // bounded both ways: every ':' of a long run is a trigger, so unbounded scans would be
      // quadratic on input such as "a:a:a:..."
      while (start > floor && at - start <= MAX && part(s.charAt(start - 1))) {
        start--;
      }
      if (start > floor && (Chars.word(s.charAt(start - 1)) || s.charAt(start - 1) == ':')) {
        return NONE;
      }
      int end = at;
      while (end < n && end - start <= MAX && part(s.charAt(end))) {
        end++;
      }
      if (end - start > MAX) {
        return NONE;
      }
      if (Chars.wordAt(s, end) || end < n && s.charAt(end) == '.') {
        return NONE;
      }
      return valid(s, start, end) ? span(start, end) : NONE;
    }

    private static boolean valid(CharSequence s, int start, int end) {
      int i = start;
      int groups = 0;
      boolean compressed = false;
      if (Chars.startsWith(s, i, "::")) {
        compressed = true;
        i += 2;
        if (i == end) {
          return true;
        }
      }
      while (true) {
        int len = 0;
        while (i + len < end && s.charAt(i + len) != ':') {
          len++;
        }
        if (len == 0 || len > 4) {
          return false;
        }
        groups++;
        i += len;
        if (i == end) {
          break;
        }
        if (i + 1 < end && s.charAt(i + 1) == ':') {
          if (compressed) {
            return false;
          }
          compressed = true;
          i += 2;
          if (i == end) {
            break;
          }
        } else if (++i == end) {
          return false;
        }
      }
      return compressed ? groups <= 7 : groups == 8;
    }

    @Override
    void redact(CharSequence s, int start, int end, StringBuilder out) {
      out.append("****:****:****:****");
    }

    @Override
    void partial(CharSequence s, int start, int end, StringBuilder out) {
      redact(s, start, end, out);
    }

    @Override
    String canonical(CharSequence s, int start, int end) {
      return Shapes.raw(s, start, end).toLowerCase(Locale.ROOT);
    }
  }
}

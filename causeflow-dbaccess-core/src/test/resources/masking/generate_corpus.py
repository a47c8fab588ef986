#!/usr/bin/env python3
"""Generates corpus.tsv, the labelled masking corpus used by MaskingCorpusTest.

Deterministic (seeded). Each line: kind <TAB> detector <TAB> format <TAB> secret <TAB> text
  kind     pos | neg
  detector the detector that must fire (pos) or '-' (neg)
  format   the documented format the secret is written in
  secret   the sensitive substring that must not survive masking (pos) or '-' (neg)
  text     the value as it appears in a row: the secret placed in a context
Tabs and newlines inside text are written as \\t and \\n escapes (the test unescapes them).
Run: python3 generate_corpus.py > corpus.tsv
"""
import base64
import json
import random
import string

R = random.Random(20261129)

CONTEXTS = [
    "{}",
    "2026-11-29T06:24:13.123Z INFO  [http-nio-8080-exec-7] c.a.PaymentService - customer {} updated (took 153 ms)",
    '{{"user":{{"id":991,"contact":"{}"}},"ts":"2026-11-29T06:24:13Z","version":"2.14.3"}}',
    "Ticket #4412: please reach me at {} before Friday, thanks!",
    "WARN retry=3 value={} trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span=00f067aa0ba902b7",
    "SELECT * FROM accounts WHERE ref = '{}' AND created_at > '2026-01-01'",
    "[{{\"k\": \"a\"}}, {{\"note\": \"see {} (verified)\"}}]",
]

def digits(n):
    return "".join(R.choice(string.digits) for _ in range(n))

def luhn_complete(body):
    for c in range(10):
        s = body + str(c)
        total = 0
        for i, ch in enumerate(reversed(s)):
            d = int(ch)
            if i % 2 == 1:
                d = d * 2 - 9 if d * 2 > 9 else d * 2
            total += d
        if total % 10 == 0:
            return s

def luhn_ok(s):
    s = [int(c) for c in s if c.isdigit()]
    total = 0
    for i, d in enumerate(reversed(s)):
        if i % 2 == 1:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return total % 10 == 0

def cpf_complete(nine):
    s = nine
    for _ in range(2):
        total = sum(int(c) * (len(s) + 1 - i) for i, c in enumerate(s))
        r = total % 11
        s += "0" if r < 2 else str(11 - r)
    return s

def cnpj_complete(twelve):
    s = twelve
    for _ in range(2):
        w, total = 2, 0
        for c in reversed(s):
            total += int(c) * w
            w = 2 if w == 9 else w + 1
        r = total % 11
        s += "0" if r < 2 else str(11 - r)
    return s

def iban(country, bban):
    num = "".join(str(int(c, 36)) for c in bban + country + "00")
    check = 98 - int(num) % 97
    return f"{country}{check:02d}{bban}"

def group(s, sizes, sep):
    out, i = [], 0
    for n in sizes:
        out.append(s[i:i + n])
        i += n
    return sep.join(out)

def b64(obj):
    return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).rstrip(b"=").decode()

def token(n, alphabet=string.ascii_letters + string.digits):
    while True:
        t = "".join(R.choice(alphabet) for _ in range(n))
        if any(c.isdigit() for c in t):
            return t

positives = []  # (detector, format, secret)

def pos(det, fmt, secret, shown=None):
    """shown: the text placed in the contexts when it is more than the secret (key=value)."""
    positives.append((det, fmt, secret, secret if shown is None else shown))

N = 6
for _ in range(N):
    user = R.choice(["ana", "joao.silva", "mary_jones", "li.wei+alerts", "o'neil", "x"])
    user = user.replace("'", "")
    dom = R.choice(["example.com", "mail.empresa.com.br", "corp.example.co.uk", "gmail.com"])
    pos("email", "local@domain.tld", f"{user}{R.randint(1, 999)}@{dom}")
    pos("email", "upper-case", f"{user.upper()}@{dom.upper()}")

card_prefixes = [("4", 16, "visa"), ("51", 16, "mastercard"), ("2223", 16, "mastercard-2"),
                 ("6011", 16, "discover"), ("35", 16, "jcb"), ("4", 13, "visa-13"), ("4", 19, "visa-19")]
for prefix, length, brand in card_prefixes:
    for _ in range(N):
        c = luhn_complete(prefix + digits(length - len(prefix) - 1))
        if length <= 16:
            pos("credit_card", f"{brand} bare", c)
        sizes = [4] * (length // 4) + ([length % 4] if length % 4 else [])
        pos("credit_card", f"{brand} spaced", group(c, sizes, " "))
        pos("credit_card", f"{brand} dashed", group(c, sizes, "-"))
for _ in range(N):
    c = luhn_complete(R.choice(["34", "37"]) + digits(12))
    pos("credit_card", "amex bare", c)
    pos("credit_card", "amex 4-6-5", group(c, [4, 6, 5], " "))
    pos("credit_card", "amex 4-6-5 dashed", group(c, [4, 6, 5], "-"))
    d = luhn_complete("36" + digits(11))
    pos("credit_card", "diners 4-6-4", group(d, [4, 6, 4], " "))

def valid_cpf():
    while True:
        c = cpf_complete(digits(9))
        if len(set(c)) > 1:
            return c

def valid_cnpj():
    while True:
        c = cnpj_complete(digits(8) + "0001")
        if len(set(c)) > 1:
            return c

for _ in range(N):
    c = valid_cpf()
    pos("cpf", "formatted", f"{c[:3]}.{c[3:6]}.{c[6:9]}-{c[9:]}")
    pos("cpf", "bare valid", valid_cpf())
    pos("cpf", "formatted, check digits wrong", f"{c[:3]}.{c[3:6]}.{c[6:9]}-{(int(c[9:]) + 1) % 100:02d}")
    j = valid_cnpj()
    pos("cnpj", "formatted", f"{j[:2]}.{j[2:5]}.{j[5:8]}/{j[8:12]}-{j[12:]}")
    while True:
        j2 = valid_cnpj()
        if not (j2[0] in "3456" and luhn_ok(j2)):
            break
    pos("cnpj", "bare valid", j2)

for _ in range(N):
    ddd = R.choice(["11", "21", "31", "41", "51", "61", "71", "81", "85"])
    m = "9" + digits(4)
    l = digits(4)
    fixed = R.choice("2345") + digits(3)
    pos("phone", "BR (DD) 9XXXX-XXXX", f"({ddd}) {m}-{l}")
    pos("phone", "BR (DD) XXXX-XXXX", f"({ddd}) {fixed}-{l}")
    pos("phone", "BR (DD)9XXXX-XXXX", f"({ddd}){m}-{l}")
    pos("phone", "BR +55 DD 9XXXX-XXXX", f"+55 {ddd} {m}-{l}")
    pos("phone", "BR +55 (DD) 9XXXX-XXXX", f"+55 ({ddd}) {m}-{l}")
    pos("phone", "BR +55DD9XXXXXXXX", f"+55{ddd}{m}{l}")
    pos("phone", "BR DD 9XXXX-XXXX", f"{ddd} {m}-{l}")
    npa = str(R.randint(201, 989))
    nxx = str(R.randint(200, 999))
    x = digits(4)
    pos("phone", "NA (NPA) NXX-XXXX", f"({npa}) {nxx}-{x}")
    pos("phone", "NA NPA-NXX-XXXX", f"{npa}-{nxx}-{x}")
    pos("phone", "NA NPA.NXX.XXXX", f"{npa}.{nxx}.{x}")
    pos("phone", "NA 1-NPA-NXX-XXXX", f"1-{npa}-{nxx}-{x}")
    pos("phone", "NA +1 NPA NXX XXXX", f"+1 {npa} {nxx} {x}")
    pos("phone", "NA +1-NPA-NXX-XXXX", f"+1-{npa}-{nxx}-{x}")
    pos("phone", "NA +1 (NPA) NXX-XXXX", f"+1 ({npa}) {nxx}-{x}")
    pos("phone", "intl +44 20 XXXX XXXX", f"+44 20 {digits(4)} {digits(4)}")
    pos("phone", "intl +49 30 XXXXXXX", f"+49 30 {digits(7)}")
    pos("phone", "intl +33 X XX XX XX XX", f"+33 {R.randint(1, 9)} {digits(2)} {digits(2)} {digits(2)} {digits(2)}")
    pos("phone", "intl +81-3-XXXX-XXXX", f"+81-3-{digits(4)}-{digits(4)}")
    pos("phone", "intl +91 XXXXX XXXXX", f"+91 {digits(5)} {digits(5)}")
    pos("phone", "intl +351.XXX.XXX.XXX", f"+351.{digits(3)}.{digits(3)}.{digits(3)}")

for _ in range(N):
    t = token(R.randint(20, 60), string.ascii_letters + string.digits + "-._~+/")
    pos("bearer_token", "Bearer opaque", f"Bearer {t}")
    jwt = b64({"alg": "RS256", "typ": "JWT"}) + "." + b64({"sub": digits(8), "exp": 1764397453}) + "." + token(43, string.ascii_letters + string.digits + "-_")
    pos("bearer_token", "bearer JWT (lower-case)", f"bearer {jwt}")
    jwt2 = b64({"alg": "HS256"}) + "." + b64({"user": "u" + digits(4), "roles": ["admin"]}) + "." + token(43, string.ascii_letters + string.digits + "-_")
    pos("jwt", "header.payload.signature", jwt2)
    pos("aws_access_key", "AKIA", "AKIA" + "".join(R.choice(string.ascii_uppercase + string.digits) for _ in range(16)))
    pos("aws_access_key", "ASIA", "ASIA" + "".join(R.choice(string.ascii_uppercase + string.digits) for _ in range(16)))

IBAN_SPECS = [("GB", lambda: "".join(R.choice(string.ascii_uppercase) for _ in range(4)) + digits(14)),
              ("DE", lambda: digits(18)), ("FR", lambda: digits(10) + "".join(R.choice(string.ascii_uppercase + string.digits) for _ in range(11)) + digits(2)),
              ("NL", lambda: "".join(R.choice(string.ascii_uppercase) for _ in range(4)) + digits(10)),
              ("BR", lambda: digits(23) + "P" + "1")]
for country, bban in IBAN_SPECS:
    for _ in range(N // 2):
        i = iban(country, bban())
        pos("iban", f"{country} compact", i)
        pos("iban", f"{country} print", " ".join(i[k:k + 4] for k in range(0, len(i), 4)))

for _ in range(N):
    area = R.choice([x for x in range(1, 900) if x != 666])
    pos("us_ssn", "AAA-GG-SSSS", f"{area:03d}-{R.randint(1, 99):02d}-{R.randint(1, 9999):04d}")
    pw = token(R.randint(8, 20), string.ascii_letters + string.digits + "!$*")
    host = R.choice(["db.internal:5432/app", "cluster0.ab1cd.mongodb.net/prod", "10.0.3.7:6379", "mq.example.com/vhost"])
    scheme = R.choice(["postgres", "postgresql", "mongodb+srv", "redis", "amqp", "https"])
    pos("url_credentials", "scheme://user:password@host", f"{scheme}://svc_user:{pw}@{host}")
    pos("url_credentials", "scheme://:password@host", f"redis://:{pw}@cache.internal:6379")

for label in ["RSA PRIVATE KEY", "EC PRIVATE KEY", "PRIVATE KEY", "OPENSSH PRIVATE KEY", "ENCRYPTED PRIVATE KEY"]:
    body = "\n".join(token(64, string.ascii_letters + string.digits + "+/") for _ in range(3))
    pos("private_key", f"PEM {label}", f"-----BEGIN {label}-----\n{body}\n-----END {label}-----")
    pos("private_key", f"PEM {label}, escaped newlines", f"-----BEGIN {label}-----\\n{body.replace(chr(10), chr(92) + 'n')}\\n-----END {label}-----")

for _ in range(N):
    pos("ipv4", "dotted quad", f"{R.randint(1, 223)}.{R.randint(0, 255)}.{R.randint(0, 255)}.{R.randint(1, 254)}")
    groups = [f"{R.randint(0, 65535):x}" for _ in range(8)]
    pos("ipv6", "full", ":".join(groups))
    pos("ipv6", "compressed", f"2001:db8::{groups[0]}:{groups[1]}")

# --------------------------------------------------------------------------- red-team additions
# A separate generator, so that the lines above keep their values when these are extended.
R2 = random.Random(20261130)

def tok2(n, alphabet=string.ascii_letters + string.digits):
    while True:
        t = "".join(R2.choice(alphabet) for _ in range(n))
        if any(c.isdigit() for c in t) and any(c.isalpha() for c in t):
            return t

for _ in range(N):
    user = R2.choice(["ana", "joao.silva", "mary_jones", "li.wei"]) + str(R2.randint(1, 999))
    dom = R2.choice(["example.com", "mail.empresa.com.br", "corp.example.co.uk"])
    pos("email", "percent-encoded local%40domain.tld", f"{user}%40{dom}")
    pos("email", "percent-encoded, plus-tag", f"{user}%2Balerts%40{dom}")
    pos("email", "JSON-escaped local\\u0040domain.tld", f"{user}\\u0040{dom}")

for _ in range(N):
    ddd = R2.choice(["11", "21", "31", "41", "51", "61", "71", "81", "85"])
    rest = f"{R2.randint(1000, 9999)}-{R2.randint(1000, 9999)}"
    pos("phone", "BR (DD) 9 XXXX-XXXX", f"({ddd}) 9 {rest}")
    pos("phone", "BR DD 9 XXXX-XXXX", f"{ddd} 9 {rest}")

SECRET_CHARS = string.ascii_letters + string.digits + "!$*#%^"

def kv(fmt, template, value):
    pos("secret_assignment", fmt, value, template.replace("VALUE", value))

for _ in range(N):
    v = tok2(R2.randint(8, 24), SECRET_CHARS)
    key = R2.choice(['password', 'passwd', 'secret', 'token', 'api_key', 'apikey', 'access_token', 'client_secret', 'DB_PASSWORD', 'PGPASSWORD', 'mysql_pwd'])
    kv("key=value", f"{key}=VALUE", v)
    key = R2.choice(['password', 'passphrase', 'refresh_token', 'X-Api-Key', 'secretKey', 'auth_token'])
    kv("key: value", f"{key}: VALUE", v)
    key = R2.choice(["password", "dbPassword", "clientSecret", "accessToken", "private_key", "api-key"])
    kv('JSON "key": "value"', f'"{key}": "VALUE"', v)
    kv('escaped JSON \\"key\\":\\"value\\"', '\\"' + R2.choice(["password", "token"]) + '\\":\\"VALUE\\"', v)
    kv("SQL key = 'value'", "password = 'VALUE'", v)
    kv("connection string Password=...;", "Server=db.internal;Database=app;User Id=svc;Password=VALUE;", v)
    kv("JDBC/URL query password=...&", "jdbc:postgresql://db.internal:5432/app?user=svc&password=VALUE&ssl=true", v)
    kv("SQL [ENCRYPTED] PASSWORD 'literal'", R2.choice(["ALTER ROLE app WITH PASSWORD 'VALUE'", "CREATE USER svc ENCRYPTED PASSWORD 'VALUE' VALID UNTIL 'infinity'"]), v)
    kv("XML <key>value</key>", R2.choice(["<password>VALUE</password>", "<ns2:apiKey>VALUE</ns2:apiKey>", "<client_secret>VALUE</client_secret>"]), v)
    kv("Authorization: Basic", "Authorization: Basic VALUE", base64.b64encode(f"svc:{v}".encode()).decode())
    kv("aws_secret_access_key = <40>", "aws_secret_access_key = VALUE", tok2(40, string.ascii_letters + string.digits + "/+"))
    kv("GitHub ghp_", "ghp_VALUE", tok2(36))
    kv("GitHub github_pat_", "github_pat_VALUE", tok2(22) + "_" + tok2(59))
    kv("Slack xoxb-", "xoxb-VALUE", f"{R2.randint(10**11, 10**12 - 1)}-{R2.randint(10**12, 10**13 - 1)}-{tok2(24)}")
    kv("Stripe sk_live_", "sk_live_VALUE", tok2(R2.randint(24, 99)))
    kv("Google AIza", "AIzaVALUE", tok2(35, string.ascii_letters + string.digits + "_-"))
    kv("GitLab glpat-", "glpat-VALUE", tok2(20, string.ascii_letters + string.digits + "_-"))

# --------------------------------------------------------------------------- negatives
negatives = []  # (format, text)
ids19 = []  # (kind, value): 19-digit identifiers, measured per context below

def neg(fmt, value):
    negatives.append((fmt, value))

import uuid
for _ in range(12):
    neg("uuid", str(uuid.UUID(int=R.getrandbits(128), version=4)))
    ts = f"2026-{R.randint(1, 12):02d}-{R.randint(1, 28):02d}T{R.randint(0, 23):02d}:{R.randint(0, 59):02d}:{R.randint(0, 59):02d}"
    neg("iso timestamp", ts + "Z")
    neg("iso timestamp millis", ts + f".{digits(3)}Z")
    neg("iso timestamp offset", ts + f".{digits(6)}+05:30")
    neg("sql timestamp", ts.replace("T", " "))
    neg("epoch millis", str(R.randint(1_600_000_000_000, 1_999_999_999_999)))
    neg("epoch seconds", str(R.randint(1_600_000_000, 1_999_999_999)))
    neg("epoch micros", str(R.randint(1_600_000_000_000_000, 1_999_999_999_999_999)))
    neg("epoch nanos", str(R.randint(1_600_000_000_000_000_000, 1_999_999_999_999_999_999)))
    neg("git sha", "%040x" % R.getrandbits(160))
    neg("short git sha", "%07x" % R.getrandbits(28))
    neg("trace id", "%032x" % R.getrandbits(128))
    neg("span id", "%016x" % R.getrandbits(64))
    neg("semver", f"{R.randint(0, 20)}.{R.randint(0, 40)}.{R.randint(0, 99)}")
    neg("semver pre-release", f"v{R.randint(0, 9)}.{R.randint(0, 9)}.{R.randint(0, 9)}-rc.{R.randint(1, 9)}+build.{digits(8)}")
    neg("decimal amount", f"{R.randint(0, 99999999)}.{digits(2)}")
    neg("decimal amount pt-BR", f"R$ {R.randint(1, 999)}.{digits(3)}.{digits(3)},{digits(2)}")
    neg("decimal amount en", f"USD {R.randint(1, 999)},{digits(3)},{digits(3)}.{digits(2)}")
    neg("long decimal", f"0.{digits(16)}")
    neg("latency", f"{R.randint(1, 9999)}ms")
    while True:
        n = R.choice("3456") + digits(15)
        if not luhn_ok(n):
            break
    neg("16-digit non-Luhn", n)
    neg("16-digit Luhn, issuer digit 1/7/8/9", luhn_complete(R.choice("1789") + digits(14)))
    while True:
        n = digits(11)
        if cpf_complete(n[:9]) != n:
            break
    neg("11-digit non-CPF", n)
    while True:
        n = digits(14)
        if cnpj_complete(n[:12]) != n and not (n[0] in "3456" and luhn_ok(n)):
            break
    neg("14-digit non-CNPJ", n)
    neg("signed 64-bit id", str(-R.randint(10**15, 2**63 - 1)))
    neg("signed 64-bit Luhn-valid id", "-" + luhn_complete(R.choice("3456") + digits(14)))
    # drawn here so that the rest of the corpus keeps its values; measured in the 19-digit section
    ids19.append(("query id (random positive 64-bit)", str(R.randint(10**18, 2**63 - 1))))
    ids19.append(("Luhn-valid id with a card prefix", luhn_complete(R.choice("3456") + digits(17))))
    neg("18-digit snowflake", luhn_complete(R.choice("3456") + digits(16)))
    neg("order number", f"ORD-2026-{digits(6)}")
    neg("pod name", f"api-{'%09x' % R.getrandbits(36)}-{''.join(R.choice(string.ascii_lowercase + string.digits) for _ in range(5))}")
    neg("queryid", f"queryid={-R.randint(10**18, 2**63 - 1)}")
    neg("ip address (evidence, off by default)", f"10.{R.randint(0, 255)}.{R.randint(0, 255)}.{R.randint(1, 254)}")
    neg("ipv6 address (off by default)", f"fe80::{R.randint(0, 65535):x}:{R.randint(0, 65535):x}")
    neg("k8s duration", f"{R.randint(1, 59)}m{R.randint(1, 59)}s")
    neg("http path", f"/api/v2/orders/{digits(6)}/items?page={R.randint(1, 9)}")
    neg("stack frame", f"at com.acme.orders.OrderService.place(OrderService.java:{R.randint(10, 999)})")
    neg("hostname", f"ip-10-0-{R.randint(0, 255)}-{R.randint(0, 255)}.ec2.internal")
    neg("bearer prose", "Bearer token-based authentication is configured")
    neg("at-sign prose", f"deployed @ {R.randint(1, 12)}pm by team@ops")
    neg("url without credentials", f"https://api.example.com/v1/users/{digits(5)}?expand=orders")
    neg("iban-like, bad check", "GB00 WEST 1234 5698 7654 32")
    neg("ssn-like invalid area", f"{R.choice(['000', '666', '9' + digits(2)])}-{digits(2)}-{digits(4)}")
    neg("bare phone digits", f"5511{R.choice('9')}{digits(8)}")
    neg("time zone", f"+0{R.randint(1, 9)}:00")
    neg("sha256", "%064x" % R.getrandbits(256))
    neg("base64 blob", base64.b64encode(bytes(R.getrandbits(8) for _ in range(30))).decode())

for _ in range(12):
    neg("secret-like column name", f"password_reset_at=2026-{R2.randint(1, 12):02d}-{R2.randint(1, 28):02d}T0{R2.randint(0, 9)}:00:00Z")
    neg("token count", f"token_count={R2.randint(0, 9999)} max_tokens={R2.randint(1, 8192)}")
    neg("secret name", f"secret_name=prod/db/{R2.choice(['orders', 'billing'])} token_type=bearer")
    neg("null / placeholder secret", R2.choice(['{"password":null,"token":""}', 'password=${DB_PASSWORD}', "WHERE password = ? AND token = $1", '"secret": "***"']))
    neg("PWD environment variable", f"PWD=/srv/app/{R2.choice(['releases', 'current'])} HOME=/root")
    neg("key-like words", f"monkey={R2.randint(1, 99)} hotkey=F{R2.randint(1, 12)} passwordless=true")
    neg("prefix-like words", f"task-sk-{R2.randint(1, 99)} ask_live_feed xox-{R2.randint(1, 9)} mask_test_{R2.randint(1, 9)}")

# --------------------------------------------------------------------------- 19 digits
# Visa, Maestro, UnionPay, Discover and JCB issue 19-digit PANs; query ids, snowflake ids and
# nanosecond timestamps are 19-digit identifiers. Both are placed in the same contexts; the
# Java test reports recall and false positives per context (and runs the ids as typed numbers).
R3 = random.Random(20261204)
CONTEXTS19 = [
    ("bare", "{}"),
    ("log line", "2026-11-29T06:24:13.123Z INFO  [http-nio-8080-exec-7] c.a.PaymentService - customer {} updated (took 153 ms)"),
    ("JSON string", '{{"user":{{"id":991,"contact":"{}"}},"ts":"2026-11-29T06:24:13Z"}}'),
    ("prose", "Ticket #4412: please reach me at {} before Friday, thanks!"),
    ("key=value", "WARN retry=3 value={} span=00f067aa0ba902b7"),
    ("SQL literal", "SELECT * FROM accounts WHERE ref = '{}' AND created_at > '2026-01-01'"),
    ("card=", "payment declined card={} amount=12.50 currency=EUR"),
    ("customer ... reported", "customer {} reported a double charge"),
    ("labelled id: queryid=", "queryid={} calls=1204 mean_ms=38.2"),
    ("labelled id: JSON \"query_id\"", '{{"query_id": {}, "calls": 3}}'),
    ("labelled id: snowflake id", "created snowflake id {} for the order"),
    ("labelled id: ts_ns=", "level=info ts_ns={} msg=flushed"),
]
pans19 = []  # (brand, pan)
for prefix, brand in [("4", "visa-19"), ("50", "maestro-19"), ("6", "maestro/unionpay-19 (6)"),
                      ("62", "unionpay-19"), ("6011", "discover-19"), ("35", "jcb-19")]:
    for _ in range(14):
        pans19.append((brand, luhn_complete(prefix + "".join(R3.choice(string.digits)
                                                             for _ in range(18 - len(prefix))))))
for _ in range(14):
    ids19.append(("query id (random positive 64-bit)", str(R3.randint(10**18, 2**63 - 1))))
    # Twitter-style snowflake: milliseconds since 2010-11-04 << 22, today about 1.9e18
    ms = R3.randint(1_600_000_000_000, 1_800_000_000_000) - 1288834974657
    ids19.append(("snowflake id", str((ms << 22) | R3.getrandbits(22))))
    ids19.append(("nanosecond timestamp", str(R3.randint(1_600_000_000 * 10**9, 1_999_999_999 * 10**9))))
    ids19.append(("Luhn-valid id with a card prefix", luhn_complete(R3.choice("3456") + "".join(R3.choice(string.digits) for _ in range(17)))))

def esc(s):
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")

print("# generated by generate_corpus.py (seed 20261129); do not edit by hand")
for det, fmt, secret, shown in positives:
    for ctx in CONTEXTS:
        print("\t".join(["pos", det, fmt, esc(secret), esc(ctx.format(shown))]))
for fmt, value in negatives:
    for ctx in CONTEXTS:
        print("\t".join(["neg", "-", fmt, "-", esc(ctx.format(value))]))
for brand, pan in pans19:
    for name, ctx in CONTEXTS19:
        print("\t".join(["pan19", "credit_card", f"{brand} @ {name}", pan, esc(ctx.format(pan))]))
for kind, value in ids19:
    for name, ctx in CONTEXTS19:
        print("\t".join(["id19", "-", f"{kind} @ {name}", value, esc(ctx.format(value))]))

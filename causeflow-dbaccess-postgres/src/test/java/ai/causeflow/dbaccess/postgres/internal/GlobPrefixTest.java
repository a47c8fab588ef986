package ai.causeflow.dbaccess.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GlobPrefixTest {
  @Test
  void decidesWhetherSomeColumnOfATableCanMatch() {
    assertThat(GlobPrefix.canMatchWithPrefix("public.users.ssn", "public.users.")).isTrue();
    assertThat(GlobPrefix.canMatchWithPrefix("PUBLIC.Users.ssn", "public.users.")).isTrue();
    assertThat(GlobPrefix.canMatchWithPrefix("public.users.ssn", "public.orders.")).isFalse();
    assertThat(GlobPrefix.canMatchWithPrefix("public.users", "public.users.")).isFalse();
    assertThat(GlobPrefix.canMatchWithPrefix("*.password*", "public.orders.")).isTrue();
    assertThat(GlobPrefix.canMatchWithPrefix("*.users.*", "app.users.")).isTrue();
    assertThat(GlobPrefix.canMatchWithPrefix("*.users.*", "app.orders.")).isTrue(); // * spans dots
    assertThat(GlobPrefix.canMatchWithPrefix("app.user?.x", "app.users.")).isTrue();
    // "?" may take the dot and the rest is the column: app.user. + ".x" (the safe side)
    assertThat(GlobPrefix.canMatchWithPrefix("app.user?.x", "app.user.")).isTrue();
    assertThat(GlobPrefix.canMatchWithPrefix("app.user?.x", "app.users2.")).isFalse();
    assertThat(GlobPrefix.canMatchWithPrefix("pub*.users.ssn", "public.users.")).isTrue();
    assertThat(GlobPrefix.canMatchWithPrefix("pub*.users.ssn", "private.users.")).isFalse();
  }
}

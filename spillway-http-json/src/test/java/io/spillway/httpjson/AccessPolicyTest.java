package io.spillway.httpjson;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AccessPolicyTest {

    private static final String GOOD = "Bearer s3cret";

    @Test
    void publicRoutesNeverNeedAToken() {
        assertThat(new AccessPolicy("s3cret", false, "admin").check(Access.PUBLIC, null)).isNull();
        assertThat(new AccessPolicy(null, false, "admin").check(Access.PUBLIC, "Bearer wrong")).isNull();
    }

    @Test
    void withATokenWritesAlwaysNeedIt() {
        for (boolean loopback : new boolean[] {true, false}) {
            AccessPolicy policy = new AccessPolicy("s3cret", loopback, "admin");
            assertThat(policy.check(Access.WRITE, null).status()).isEqualTo(401);
            assertThat(policy.check(Access.WRITE, "Bearer s3cret2").status()).isEqualTo(401);
            assertThat(policy.check(Access.WRITE, "Basic czNjcmV0").status()).isEqualTo(401);
            assertThat(policy.check(Access.WRITE, GOOD)).isNull();
            assertThat(policy.check(Access.WRITE, "bearer   s3cret ")).isNull();
        }
    }

    @Test
    void withATokenReadsNeedItOnlyOffLoopback() {
        assertThat(new AccessPolicy("s3cret", true, "admin").check(Access.READ, null)).isNull();
        assertThat(new AccessPolicy("s3cret", false, "admin").check(Access.READ, null).status()).isEqualTo(401);
        assertThat(new AccessPolicy("s3cret", false, "admin").check(Access.READ, GOOD)).isNull();
    }

    @Test
    void aWrongTokenIsRefusedEvenWhereNoneIsNeeded() {
        ApiResponse refused = new AccessPolicy("s3cret", true, "admin").check(Access.READ, "Bearer stale");
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.bodyText()).contains("invalid bearer token");
    }

    @Test
    void withoutATokenLoopbackAllowsEverythingAndOtherListenersRefuseEverything() {
        AccessPolicy loopback = new AccessPolicy(null, true, "admin");
        assertThat(loopback.check(Access.READ, null)).isNull();
        assertThat(loopback.check(Access.WRITE, null)).isNull();
        assertThat(loopback.check(Access.WRITE, "Bearer anything")).isNull();

        AccessPolicy open = new AccessPolicy(null, false, "admin");
        ApiResponse write = open.check(Access.WRITE, "Bearer anything");
        assertThat(write.status()).isEqualTo(403);
        assertThat(write.bodyText()).contains("no admin.token is configured");
        assertThat(open.check(Access.READ, null).status()).isEqualTo(403);
    }

    @Test
    void anEmptyConfiguredTokenCountsAsNoToken() {
        assertThat(new AccessPolicy("", false, "admin").check(Access.READ, "Bearer ").status()).isEqualTo(403);
    }
}

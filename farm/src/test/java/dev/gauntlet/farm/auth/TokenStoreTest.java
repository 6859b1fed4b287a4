package dev.gauntlet.farm.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gauntlet.farm.FakeClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TokenStoreTest {

    private final FakeClock clock = new FakeClock();

    private TokenStore store(boolean rotate) {
        return new TokenStore(clock, Duration.ofSeconds(120), Duration.ofHours(1), rotate, hex -> "tok_" + hex);
    }

    @Test
    void shouldAcceptATokenUntilItsTtlEnds() {
        TokenStore tokens = store(false);
        String token = tokens.issue("client", false).access().value();
        assertThat(token).startsWith("tok_");
        clock.advance(Duration.ofSeconds(119));
        assertThat(tokens.check(token).verdict()).isEqualTo(TokenStore.Verdict.VALID);
        assertThat(tokens.check(token).clientId()).isEqualTo("client");
        clock.advance(Duration.ofSeconds(1));
        assertThat(tokens.check(token).verdict()).isEqualTo(TokenStore.Verdict.EXPIRED);
    }

    @Test
    void shouldRefuseARevokedTokenBeforeItsTtl() {
        TokenStore tokens = store(false);
        String token = tokens.issue("client", false).access().value();
        tokens.revoke(token);
        assertThat(tokens.check(token).verdict()).isEqualTo(TokenStore.Verdict.REVOKED);
    }

    @Test
    void shouldNotKnowATokenItNeverIssued() {
        assertThat(store(false).check("forged").verdict()).isEqualTo(TokenStore.Verdict.UNKNOWN);
    }

    @Test
    void shouldRotateARefreshTokenAndRefuseItsReuse() {
        TokenStore tokens = store(true);
        TokenStore.Issued first = tokens.issue("client", true);
        TokenStore.Refreshed second = tokens.refresh(first.refresh().value());
        assertThat(second.failure()).isNull();
        assertThat(second.issued().refresh().value())
                .isNotEqualTo(first.refresh().value());
        assertThat(tokens.refresh(first.refresh().value()).failure()).isEqualTo(TokenStore.RefreshFailure.ALREADY_USED);
        assertThat(tokens.refresh(second.issued().refresh().value()).failure()).isNull();
        assertThat(tokens.refreshedCount()).isEqualTo(2);
        assertThat(tokens.reuseRefusedCount()).as("the one reuse, counted").isEqualTo(1);
    }

    @Test
    void shouldKeepTheRefreshTokenWhenNotRotating() {
        TokenStore tokens = store(false);
        TokenStore.Issued first = tokens.issue("client", true);
        assertThat(tokens.refresh(first.refresh().value()).issued().refresh().value())
                .isEqualTo(first.refresh().value());
        assertThat(tokens.refresh(first.refresh().value()).failure()).isNull();
    }

    @Test
    void shouldRefuseAnExpiredRefreshToken() {
        TokenStore tokens = store(true);
        TokenStore.Issued first = tokens.issue("client", true);
        clock.advance(Duration.ofHours(1));
        assertThat(tokens.refresh(first.refresh().value()).failure()).isEqualTo(TokenStore.RefreshFailure.EXPIRED);
    }

    private TokenStore gotrue() {
        return new TokenStore(
                clock,
                Duration.ofSeconds(3600),
                Duration.ofDays(30),
                true,
                Duration.ofSeconds(10),
                hex -> "tok_" + hex);
    }

    @Test
    void shouldAnswerTheActiveTokenWhenItsParentIsReusedHoweverLate() {
        TokenStore tokens = gotrue();
        String first = tokens.issue("client", true).refresh().value();
        String active = tokens.refresh(first).issued().refresh().value();

        clock.advance(Duration.ofDays(1));
        TokenStore.Refreshed reuse = tokens.refresh(first);

        assertThat(reuse.failure()).isNull();
        assertThat(reuse.issued().refresh().value()).isEqualTo(active);
        assertThat(tokens.refresh(active).failure()).isNull();
        assertThat(tokens.refreshedCount()).isEqualTo(3);
    }

    @Test
    void shouldGrantANewTokenWhenAnOlderSpentOneIsReusedWithinTheInterval() {
        TokenStore tokens = gotrue();
        String first = tokens.issue("client", true).refresh().value();
        String second = tokens.refresh(first).issued().refresh().value();
        tokens.refresh(second);

        clock.advance(Duration.ofSeconds(10));
        TokenStore.Refreshed reuse = tokens.refresh(first);

        assertThat(reuse.failure()).isNull();
        assertThat(reuse.issued().refresh().value()).isNotIn(first, second);
    }

    @Test
    void shouldTerminateTheSessionWhenASpentTokenIsReusedAfterTheInterval() {
        TokenStore tokens = gotrue();
        String first = tokens.issue("client", true).refresh().value();
        String second = tokens.refresh(first).issued().refresh().value();
        TokenStore.Issued third = tokens.refresh(second).issued();

        clock.advance(Duration.ofMillis(10_001));

        assertThat(tokens.refresh(first).failure()).isEqualTo(TokenStore.RefreshFailure.ALREADY_USED);
        assertThat(tokens.refresh(third.refresh().value()).failure()).isEqualTo(TokenStore.RefreshFailure.ALREADY_USED);
        assertThat(tokens.refresh(second).failure())
                .as("the parent rule ends with the session")
                .isEqualTo(TokenStore.RefreshFailure.ALREADY_USED);
        assertThat(tokens.reuseRefusedCount()).isEqualTo(3);
        assertThat(tokens.check(third.access().value()).verdict())
                .as("access tokens run until they expire")
                .isEqualTo(TokenStore.Verdict.VALID);
    }

    @Test
    void shouldAskTheVendorCheckOnlyAboutCredentialsItDidNotIssue() {
        TokenStore tokens = store(false);
        tokens.vendorCheck((value, now) -> value.equals("role-key")
                ? new TokenStore.Check(TokenStore.Verdict.VALID, "anon", null)
                : TokenStore.Check.UNKNOWN);
        String issued = tokens.issue("client", false).access().value();

        assertThat(tokens.check("role-key")).isEqualTo(new TokenStore.Check(TokenStore.Verdict.VALID, "anon", null));
        assertThat(tokens.check(issued)).isEqualTo(new TokenStore.Check(TokenStore.Verdict.VALID, "client", issued));
        assertThat(tokens.check("forged").verdict()).isEqualTo(TokenStore.Verdict.UNKNOWN);
    }
}

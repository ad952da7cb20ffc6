package com.example.playground.clickcount.functions;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FaultInjectionRuleTest {

    private static final long OPENED = 1_000_000L;

    @Test
    void failsOnRecordIssuedAfterTheAttemptOpened() {
        assertThat(new FaultInjectionRule(OPENED).shouldFail(OPENED + 1, OPENED + 5)).isTrue();
    }

    @Test
    void ignoresReplayAfterRestartBecauseItWasIssuedBeforeTheNewAttemptOpened() {
        long issued = OPENED + 10;
        FaultInjectionRule firstAttempt = new FaultInjectionRule(OPENED);
        FaultInjectionRule afterRestart = new FaultInjectionRule(issued + 2_000);

        assertThat(firstAttempt.shouldFail(issued, issued + 1)).isTrue();
        assertThat(afterRestart.shouldFail(issued, issued + 3_000)).isFalse();
    }

    @Test
    void failsAgainOnALaterRecordIssuedAfterTheRestart() {
        FaultInjectionRule afterRestart = new FaultInjectionRule(OPENED);
        assertThat(afterRestart.shouldFail(OPENED + 60_000, OPENED + 60_001)).isTrue();
    }

    @Test
    void ignoresRecordIssuedExactlyWhenOrBeforeTheAttemptOpened() {
        FaultInjectionRule rule = new FaultInjectionRule(OPENED);
        assertThat(rule.shouldFail(OPENED, OPENED + 1)).isFalse();
        assertThat(rule.shouldFail(OPENED - 1, OPENED + 1)).isFalse();
    }

    @Test
    void ignoresRecordIssuedImplausiblyFarInTheFuture() {
        FaultInjectionRule rule = new FaultInjectionRule(OPENED);
        long skew = FaultInjectionRule.MAX_CLOCK_SKEW.toMillis();
        assertThat(rule.shouldFail(OPENED + skew, OPENED)).isTrue();
        assertThat(rule.shouldFail(OPENED + skew + 1, OPENED)).isFalse();
    }

    @Test
    void logSamplerLogsFirstAndThenEveryNth() {
        LogSampler sampler = new LogSampler(2, 5);
        boolean[] logged = new boolean[12];
        for (int i = 0; i < logged.length; i++) {
            logged[i] = sampler.sample();
        }
        assertThat(logged).containsExactly(true, true, false, false, true, false, false, false, false, true, false, false);
    }
}

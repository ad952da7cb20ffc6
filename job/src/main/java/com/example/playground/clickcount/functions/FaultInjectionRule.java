package com.example.playground.clickcount.functions;

import java.io.Serializable;
import java.time.Duration;

/**
 * Decides whether a {@code fail} control record makes the job fail.
 *
 * <p>Rule: a control record fails the job if and only if it was issued <em>after</em> the moment
 * the task attempt reading it was opened, and not implausibly far in the future.
 *
 * <ul>
 *   <li>The first time the record is read, the task attempt was opened before the record was
 *       written (the job was running when {@code playground fail} issued it), so the job fails.
 *   <li>Flink restarts every task of the job; the new attempts open after the failure, which was
 *       after the record was issued. The replay of the same record (the source rewinds to the last
 *       checkpoint, before the record) is therefore ignored.
 *   <li>A record issued later, after the restarted attempt opened, fails the job again.
 *   <li>A record issued more than {@link #MAX_CLOCK_SKEW} after "now" is ignored, so a wrong clock
 *       at the issuer cannot put the job into a restart loop.
 * </ul>
 *
 * <p>Keyed or operator state cannot carry "already failed for id X": it is rolled back to the last
 * checkpoint, which was taken before the record was read. Wall-clock time is not rolled back.
 */
public final class FaultInjectionRule implements Serializable {

    private static final long serialVersionUID = 1L;

    /** How far ahead of the task's clock an issuer's clock may be. */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(1);

    private final long attemptOpenedAt;

    /** @param attemptOpenedAt when this task attempt was opened, epoch millis */
    public FaultInjectionRule(long attemptOpenedAt) {
        this.attemptOpenedAt = attemptOpenedAt;
    }

    public long attemptOpenedAt() {
        return attemptOpenedAt;
    }

    /**
     * @param issuedAt the control record's {@code issuedAt}, epoch millis
     * @param now the current time, epoch millis
     */
    public boolean shouldFail(long issuedAt, long now) {
        return issuedAt > attemptOpenedAt && issuedAt <= now + MAX_CLOCK_SKEW.toMillis();
    }
}

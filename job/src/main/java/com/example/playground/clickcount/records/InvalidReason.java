package com.example.playground.clickcount.records;

/**
 * Why an input record was dropped; each reason has its own Flink counter. All but
 * {@link #FUTURE_TIMESTAMP} come from {@link ClickEventJson#parse}.
 */
public enum InvalidReason {
    /** Not a JSON object (syntax error, array, scalar, empty, not UTF-8 text). */
    MALFORMED_JSON("malformedJson"),
    /** A click without {@code page} or {@code timestamp}, or with a non-string value. */
    MISSING_FIELD("missingField"),
    /** A click on a page that is not one of {@link Pages#ALL}. */
    UNKNOWN_PAGE("unknownPage"),
    /** A click whose {@code timestamp} is no ISO-8601 instant from year 0000 to 9999. */
    INVALID_TIMESTAMP("invalidTimestamp"),
    /** A control record with an unknown command, no id or no parsable {@code issuedAt}. */
    INVALID_CONTROL_RECORD("invalidControlRecord"),
    /**
     * A valid click stamped more than {@code ClickCountJob.max-future-skew} ahead of the
     * TaskManager's clock (decided by the source's timestamp assigner, {@code EventTimeGuard}).
     */
    FUTURE_TIMESTAMP("futureTimestamp");

    private final String metricName;

    InvalidReason(String metricName) {
        this.metricName = metricName;
    }

    /** Name of the counter in the {@code clickEvents} metric group. */
    public String metricName() {
        return metricName;
    }
}

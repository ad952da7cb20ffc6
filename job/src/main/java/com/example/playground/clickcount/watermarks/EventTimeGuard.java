package com.example.playground.clickcount.watermarks;

import com.example.playground.clickcount.functions.ParseClickEvents.SerializableClock;
import com.example.playground.clickcount.records.ClickEventJson;
import com.example.playground.clickcount.records.InputLine;
import com.example.playground.clickcount.records.InputRecord;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;

/**
 * The event time of an input line, and the one place that decides whether a click is too far in
 * the future to be counted.
 *
 * <p>Used as the source's timestamp assigner in every variant of the job (event time: inside
 * {@link ClickEventWatermarks}; processing time: with {@code WatermarkStrategy.noWatermarks()}), so
 * it runs once per record, per split, before the watermark generator sees the record:
 *
 * <ul>
 *   <li>a valid click stamped at most {@code maxFutureSkew} ahead of this guard's clock (the
 *       TaskManager's wall clock) gets its {@code timestamp} as event time;
 *   <li>a valid click stamped further ahead gets {@link #FUTURE_EVENT_TIME}: the watermark
 *       generator ignores it, and the ClickEvent Parser, seeing a click with that record
 *       timestamp, counts it as {@code futureTimestamp} and drops it;
 *   <li>anything else (garbage, control records) gets {@link #NO_EVENT_TIME}.
 * </ul>
 *
 * <p>So the watermark never passes clock + {@code maxFutureSkew}, and no window that the job
 * fills ends later than clock + {@code maxFutureSkew} + window size: the record timestamps of the
 * results (the window end) stay within what Kafka brokers accept
 * ({@code message.timestamp.after.max.ms}, 1 h by default), given {@link #MAX_FUTURE_SKEW_LIMIT}.
 * Both sentinels lie below every timestamp a click can carry ({@link ClickEventJson} accepts years
 * 0000 to 9999 only).
 */
public final class EventTimeGuard implements SerializableTimestampAssigner<InputLine> {

    private static final long serialVersionUID = 1L;

    /** Event time of lines that are no valid click. */
    public static final long NO_EVENT_TIME = Long.MIN_VALUE;
    /** Event time of valid clicks stamped more than the allowed skew ahead of the clock. */
    public static final long FUTURE_EVENT_TIME = Long.MIN_VALUE + 1;

    /** Default of {@code ClickCountJob.max-future-skew}. */
    public static final Duration DEFAULT_MAX_FUTURE_SKEW = Duration.ofSeconds(60);
    /**
     * Upper bound of {@code ClickCountJob.max-future-skew}: with 15 s windows, results are at most
     * 10 min 15 s ahead of the TaskManager clock, far within a broker's 1 h limit even with clocks
     * some minutes apart.
     */
    public static final Duration MAX_FUTURE_SKEW_LIMIT = Duration.ofMinutes(10);

    private final long maxFutureSkewMillis;
    private final SerializableClock clock;

    /** A guard on the wall clock. */
    public EventTimeGuard(Duration maxFutureSkew) {
        this(maxFutureSkew, System::currentTimeMillis);
    }

    /**
     * @param maxFutureSkew how far ahead of {@code clock} a click may be stamped, more than 0 and at
     *     most {@link #MAX_FUTURE_SKEW_LIMIT}
     * @param clock the wall clock (tests inject one)
     */
    public EventTimeGuard(Duration maxFutureSkew, SerializableClock clock) {
        if (maxFutureSkew.toMillis() <= 0 || maxFutureSkew.compareTo(MAX_FUTURE_SKEW_LIMIT) > 0) {
            throw new IllegalArgumentException("max future skew must be more than 0 and at most "
                    + MAX_FUTURE_SKEW_LIMIT + ", got " + maxFutureSkew);
        }
        this.maxFutureSkewMillis = maxFutureSkew.toMillis();
        this.clock = clock;
    }

    public Duration maxFutureSkew() {
        return Duration.ofMillis(maxFutureSkewMillis);
    }

    /** The click's timestamp, {@link #FUTURE_EVENT_TIME} if it is too far ahead, or {@link #NO_EVENT_TIME}. */
    public long eventTime(String line) {
        return eventTime(new InputLine(line));
    }

    /** As {@link #eventTime(String)}, on the line's classification (parsed here once, then kept for the parser). */
    public long eventTime(InputLine line) {
        if (!(line.record() instanceof InputRecord.Click click)) {
            return NO_EVENT_TIME;
        }
        long timestamp = click.event().getTimestamp();
        return timestamp - clock.getAsLong() > maxFutureSkewMillis ? FUTURE_EVENT_TIME : timestamp;
    }

    @Override
    public long extractTimestamp(InputLine line, long recordTimestamp) {
        return eventTime(line);
    }

    /** Whether {@code timestamp} is a click's event time (and no sentinel). */
    public static boolean isEventTime(long timestamp) {
        return timestamp != NO_EVENT_TIME && timestamp != FUTURE_EVENT_TIME;
    }

    @Override
    public String toString() {
        return "EventTimeGuard{maxFutureSkew=" + maxFutureSkewMillis + " ms}";
    }
}

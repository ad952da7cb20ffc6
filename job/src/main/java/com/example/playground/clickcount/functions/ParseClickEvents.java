package com.example.playground.clickcount.functions;

import com.example.playground.clickcount.records.ClickEvent;
import com.example.playground.clickcount.records.InputLine;
import com.example.playground.clickcount.records.InputRecord;
import com.example.playground.clickcount.records.InvalidReason;
import com.example.playground.clickcount.records.Timestamps;
import com.example.playground.clickcount.watermarks.EventTimeGuard;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.flink.annotation.VisibleForTesting;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns input lines into {@link ClickEvent}s. Bad input is counted and dropped, never thrown; a
 * {@code fail} control record throws {@link InjectedFailureException} per {@link FaultInjectionRule}.
 *
 * <p>Clicks too far in the future are not decided here: the source's timestamp assigner
 * ({@link EventTimeGuard}) gives them the record timestamp {@link EventTimeGuard#FUTURE_EVENT_TIME},
 * and this function counts a valid click carrying it as {@code futureTimestamp} and drops it.
 *
 * <p>Metrics, in group {@code clickEvents}: {@code validClicks}, {@code invalidRecords} (all
 * reasons), one counter per {@link InvalidReason} ({@code malformedJson}, {@code missingField},
 * {@code unknownPage}, {@code invalidTimestamp}, {@code invalidControlRecord},
 * {@code futureTimestamp}), {@code controlRecords} and {@code controlRecordsIgnored}.
 */
public class ParseClickEvents extends ProcessFunction<InputLine, ClickEvent> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ParseClickEvents.class);

    public static final String METRIC_GROUP = "clickEvents";

    private final boolean faultInjection;
    private final SerializableClock clock;

    private transient FaultInjectionRule rule;
    private transient LogSampler invalidSampler;
    private transient Counter validClicks;
    private transient Counter invalidRecords;
    private transient Map<InvalidReason, Counter> invalidByReason;
    private transient Counter controlRecords;
    private transient Counter controlRecordsIgnored;
    private transient Map<String, Counter> countersByName;

    /** A wall clock that can be shipped with the function (tests replace it). */
    @FunctionalInterface
    public interface SerializableClock extends LongSupplier, java.io.Serializable {}

    public ParseClickEvents(boolean faultInjection) {
        this(faultInjection, System::currentTimeMillis);
    }

    public ParseClickEvents(boolean faultInjection, SerializableClock clock) {
        this.faultInjection = faultInjection;
        this.clock = clock;
    }

    @Override
    public void open(OpenContext openContext) {
        rule = new FaultInjectionRule(clock.getAsLong());
        invalidSampler = new LogSampler(10, 1000);
        MetricGroup group = getRuntimeContext().getMetricGroup().addGroup(METRIC_GROUP);
        validClicks = group.counter("validClicks");
        invalidRecords = group.counter("invalidRecords");
        invalidByReason = new EnumMap<>(InvalidReason.class);
        for (InvalidReason reason : InvalidReason.values()) {
            invalidByReason.put(reason, group.counter(reason.metricName()));
        }
        controlRecords = group.counter("controlRecords");
        controlRecordsIgnored = group.counter("controlRecordsIgnored");
        countersByName = new java.util.HashMap<>();
        countersByName.put("validClicks", validClicks);
        countersByName.put("invalidRecords", invalidRecords);
        invalidByReason.forEach((reason, counter) -> countersByName.put(reason.metricName(), counter));
        countersByName.put("controlRecords", controlRecords);
        countersByName.put("controlRecordsIgnored", controlRecordsIgnored);
    }

    /** Current value of one of this function's counters (for tests), by metric name. */
    @VisibleForTesting
    public long counterValue(String metricName) {
        Counter counter = countersByName.get(metricName);
        if (counter == null) {
            throw new IllegalArgumentException("no counter " + metricName);
        }
        return counter.getCount();
    }

    @Override
    public void processElement(InputLine line, Context ctx, Collector<ClickEvent> out) {
        // classified once, by the source's timestamp assigner (EventTimeGuard) or here
        InputRecord input = line.record();
        String value = line.text();
        if (input instanceof InputRecord.Click click) {
            Long timestamp = ctx.timestamp();
            if (timestamp != null && timestamp == EventTimeGuard.FUTURE_EVENT_TIME) {
                onInvalid(InvalidReason.FUTURE_TIMESTAMP,
                        "timestamp more than ClickCountJob.max-future-skew ahead of the TaskManager clock", value);
                return;
            }
            validClicks.inc();
            out.collect(click.event());
        } else if (input instanceof InputRecord.Control control) {
            onControl(control);
        } else if (input instanceof InputRecord.Invalid invalid) {
            onInvalid(invalid.reason(), invalid.detail(), value);
        }
    }

    private void onInvalid(InvalidReason reason, String detail, String value) {
        invalidRecords.inc();
        invalidByReason.get(reason).inc();
        if (invalidSampler.sample()) {
            LOG.warn("Dropped invalid record #{} ({}: {}): {}",
                    invalidSampler.seen(), reason.metricName(), detail, abbreviate(value));
        }
    }

    private void onControl(InputRecord.Control control) {
        controlRecords.inc();
        long now = clock.getAsLong();
        if (faultInjection && rule.shouldFail(control.issuedAt(), now)) {
            throw new InjectedFailureException("Injected failure requested by control record id="
                    + control.id() + " issuedAt=" + Timestamps.format(control.issuedAt())
                    + " (task attempt opened at " + Timestamps.format(rule.attemptOpenedAt())
                    + "); Flink restarts the job from its last checkpoint");
        }
        controlRecordsIgnored.inc();
        LOG.info("Ignored control record id={} issuedAt={} (fault-injection={}, task attempt opened at {})",
                control.id(), Timestamps.format(control.issuedAt()), faultInjection,
                Timestamps.format(rule.attemptOpenedAt()));
    }

    private static String abbreviate(String value) {
        if (value == null) {
            return "null";
        }
        return value.length() <= 200 ? value : value.substring(0, 200) + "…";
    }
}

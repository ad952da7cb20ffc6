package com.example.playground.clickcount.watermarks;

import com.example.playground.clickcount.records.InputLine;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.BoundedOutOfOrdernessWatermarks;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssignerSupplier;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.eventtime.WatermarksWithIdleness;

/**
 * The event-time {@link WatermarkStrategy} of the source, on the raw input lines.
 *
 * <p>Given to {@code fromSource}, split-aware readers (Kafka, our Kinesis reader, any
 * {@code SourceReaderBase}) run one generator per partition / shard and the source emits the
 * minimum over the splits that are not idle, so a partition read far ahead of another cannot push
 * the other's clicks behind the watermark.
 *
 * <p>The event time of a line comes from the {@link EventTimeGuard}: the {@code timestamp} of the
 * click it holds (the line is classified there, once: the parser operator, chained to the source,
 * reads the same {@link InputLine}'s classification to count and emit it). A line that is not a valid click (garbage,
 * control records) gets {@link #NO_EVENT_TIME}, a click stamped more than the guard's skew ahead of
 * the clock gets {@link EventTimeGuard#FUTURE_EVENT_TIME}; both are invisible to the watermark
 * generator: they neither advance nor hold back the watermark, and they do not count as split
 * activity for idleness.
 */
public final class ClickEventWatermarks implements WatermarkStrategy<InputLine> {

    private static final long serialVersionUID = 1L;

    /** Timestamp of input lines that are no valid click (see {@link EventTimeGuard#NO_EVENT_TIME}). */
    public static final long NO_EVENT_TIME = EventTimeGuard.NO_EVENT_TIME;

    private final Duration outOfOrderness;
    private final Duration idleness;
    private final EventTimeGuard guard;

    public ClickEventWatermarks(Duration outOfOrderness, Duration idleness, EventTimeGuard guard) {
        this.outOfOrderness = outOfOrderness;
        this.idleness = idleness;
        this.guard = guard;
    }

    @Override
    public TimestampAssigner<InputLine> createTimestampAssigner(TimestampAssignerSupplier.Context context) {
        return guard;
    }

    @Override
    public WatermarkGenerator<InputLine> createWatermarkGenerator(WatermarkGeneratorSupplier.Context context) {
        return new ClicksOnly(new WatermarksWithIdleness<>(
                new BoundedOutOfOrdernessWatermarks<>(outOfOrderness), idleness, context.getInputActivityClock()));
    }

    /** Passes only records with an event time (no sentinel of {@link EventTimeGuard}) to the wrapped generator. */
    static final class ClicksOnly implements WatermarkGenerator<InputLine> {

        private final WatermarkGenerator<InputLine> delegate;

        ClicksOnly(WatermarkGenerator<InputLine> delegate) {
            this.delegate = delegate;
        }

        @Override
        public void onEvent(InputLine event, long eventTimestamp, WatermarkOutput output) {
            if (EventTimeGuard.isEventTime(eventTimestamp)) {
                delegate.onEvent(event, eventTimestamp, output);
            }
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            delegate.onPeriodicEmit(output);
        }
    }
}

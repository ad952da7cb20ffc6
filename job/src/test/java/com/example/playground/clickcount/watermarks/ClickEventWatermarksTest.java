package com.example.playground.clickcount.watermarks;

import com.example.playground.clickcount.records.InputLine;
import static org.assertj.core.api.Assertions.assertThat;

import com.example.playground.clickcount.records.ClickEvent;
import com.example.playground.clickcount.records.ClickEventJson;
import com.example.playground.clickcount.records.Timestamps;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarksWithIdleness;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.clock.ManualClock;
import org.apache.flink.util.clock.RelativeClock;
import org.junit.jupiter.api.Test;

class ClickEventWatermarksTest {

    private static final long T = Timestamps.parse("2026-11-22T21:30:00.015Z");

    /** The clock of the guard: the click at T is read 10 s after it happened. */
    private static final ClickEventWatermarks WATERMARKS = new ClickEventWatermarks(
            Duration.ofMillis(200), Duration.ofSeconds(5), new EventTimeGuard(Duration.ofSeconds(60), () -> T + 10_000));

    @Test
    void eventTimeIsTheClickTimestampAndNothingForOtherLines() {
        TimestampAssigner<InputLine> assigner = WATERMARKS.createTimestampAssigner(null);

        assertThat(assigner.extractTimestamp(new InputLine(ClickEventJson.toJson(new ClickEvent(T, "/help"))), 0)).isEqualTo(T);
        assertThat(assigner.extractTimestamp(new InputLine("{not json"), 0)).isEqualTo(ClickEventWatermarks.NO_EVENT_TIME);
        assertThat(assigner.extractTimestamp(new InputLine("{\"timestamp\":\"2026-11-22T21:30:00.000Z\",\"page\":\"/checkout\"}"), 0))
                .isEqualTo(ClickEventWatermarks.NO_EVENT_TIME);
        assertThat(assigner.extractTimestamp(new InputLine(ClickEventJson.controlFail("id", T + 60_000)), 0))
                .isEqualTo(ClickEventWatermarks.NO_EVENT_TIME);
    }

    @Test
    void clickMoreThanTheSkewAheadOfTheClockGetsTheFutureSentinel() {
        TimestampAssigner<InputLine> assigner = WATERMARKS.createTimestampAssigner(null);

        assertThat(assigner.extractTimestamp(new InputLine(ClickEventJson.toJson(new ClickEvent(T + 70_000, "/help"))), 0))
                .isEqualTo(T + 70_000);
        assertThat(assigner.extractTimestamp(new InputLine(ClickEventJson.toJson(new ClickEvent(T + 70_001, "/help"))), 0))
                .isEqualTo(EventTimeGuard.FUTURE_EVENT_TIME);
    }

    @Test
    void linesWithoutEventTimeNeitherAdvanceNorRegressTheWatermark() {
        List<Long> emitted = new ArrayList<>();
        WatermarkGenerator<InputLine> generator = new ClickEventWatermarks.ClicksOnly(
                new org.apache.flink.api.common.eventtime.BoundedOutOfOrdernessWatermarks<>(Duration.ofMillis(200)));

        generator.onEvent(new InputLine("click"), T, recording(emitted));
        generator.onPeriodicEmit(recording(emitted));
        generator.onEvent(new InputLine("garbage"), ClickEventWatermarks.NO_EVENT_TIME, recording(emitted));
        generator.onPeriodicEmit(recording(emitted));
        generator.onEvent(new InputLine("a click a day ahead"), EventTimeGuard.FUTURE_EVENT_TIME, recording(emitted));
        generator.onPeriodicEmit(recording(emitted));

        assertThat(emitted).containsExactly(T - 201, T - 201, T - 201);
    }

    @Test
    void farFutureClicksAreNoActivityForIdleness() {
        ManualClock activity = new ManualClock(Duration.ofSeconds(1).toNanos());
        WatermarkGenerator<InputLine> generator = new ClickEventWatermarks.ClicksOnly(new WatermarksWithIdleness<>(
                new org.apache.flink.api.common.eventtime.BoundedOutOfOrdernessWatermarks<>(Duration.ofMillis(200)),
                Duration.ofSeconds(5), activity));
        IdleTracking output = new IdleTracking();
        List<Long> emitted = output.emitted;
        generator.onEvent(new InputLine("click"), T, output);
        generator.onPeriodicEmit(output);

        for (int second = 1; second <= 8; second++) {
            activity.advanceTime(Duration.ofSeconds(1));
            generator.onEvent(new InputLine("a click a day ahead"), EventTimeGuard.FUTURE_EVENT_TIME, output);
            generator.onPeriodicEmit(output);
        }

        assertThat(output.idle).as("a split that delivers only far-future clicks goes idle").isTrue();
        assertThat(emitted).containsOnly(T - 201);
    }

    /**
     * The job's own strategy: a split that has delivered and then stays silent for 30 s — a consumer
     * catching up on one partition while the other waits its turn; the local stack measured 7.3 s on
     * a loaded machine after a TaskManager kill — is not taken for idle, so the watermark waits for
     * it instead of following the other split alone (which made its clicks late: windows counted
     * about half with the former 5 s). A split silent for longer than the pipeline's idleness is idle.
     */
    @Test
    void theJobsIdlenessOutlastsACatchUpStallAndStillEndsInIdle() {
        ManualClock activity = new ManualClock(Duration.ofSeconds(1).toNanos());
        WatermarkGenerator<InputLine> generator = new ClickEventWatermarks(com.example.playground.clickcount.ClickCountPipeline.OUT_OF_ORDERNESS,
                        com.example.playground.clickcount.ClickCountPipeline.IDLENESS, new EventTimeGuard(Duration.ofSeconds(60), () -> T + 10_000))
                .createWatermarkGenerator(new WatermarkGeneratorSupplier.Context() {
                    @Override
                    public MetricGroup getMetricGroup() {
                        return new UnregisteredMetricsGroup();
                    }

                    @Override
                    public RelativeClock getInputActivityClock() {
                        return activity;
                    }
                });
        IdleTracking output = new IdleTracking();
        generator.onEvent(new InputLine("click"), T, output);
        long stalledMs = 0;
        for (; stalledMs < 30_000; stalledMs += 50) {
            activity.advanceTime(Duration.ofMillis(50));
            generator.onPeriodicEmit(output);
            assertThat(output.idle).as("idle after a stall of %d ms", stalledMs + 50).isFalse();
        }
        for (; stalledMs <= com.example.playground.clickcount.ClickCountPipeline.IDLENESS.toMillis() + 1_000; stalledMs += 50) {
            activity.advanceTime(Duration.ofMillis(50));
            generator.onPeriodicEmit(output);
        }
        assertThat(output.idle).as("a split silent for longer than the idleness is idle").isTrue();
    }

    /** Records the watermarks and whether the split is idle now. */
    private static final class IdleTracking implements WatermarkOutput {
        final List<Long> emitted = new ArrayList<>();
        boolean idle;

        @Override
        public void emitWatermark(Watermark watermark) {
            emitted.add(watermark.getTimestamp());
        }

        @Override
        public void markIdle() {
            idle = true;
        }

        @Override
        public void markActive() {
            idle = false;
        }
    }

    private static WatermarkOutput recording(List<Long> emitted) {
        return new WatermarkOutput() {
            @Override
            public void emitWatermark(Watermark watermark) {
                emitted.add(watermark.getTimestamp());
            }

            @Override
            public void markIdle() {}

            @Override
            public void markActive() {}
        };
    }
}

package com.example.playground.clickcount.watermarks;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.playground.clickcount.records.ClickEvent;
import com.example.playground.clickcount.records.ClickEventJson;
import com.example.playground.clickcount.records.Timestamps;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

class ClickEventWatermarksTest {

    private static final long T = Timestamps.parse("2026-11-22T21:30:00.015Z");

    @Test
    void eventTimeIsTheClickTimestampAndNothingForOtherLines() {
        assertThat(ClickEventWatermarks.eventTime(ClickEventJson.toJson(new ClickEvent(T, "/help")))).isEqualTo(T);
        assertThat(ClickEventWatermarks.eventTime("{not json")).isEqualTo(ClickEventWatermarks.NO_EVENT_TIME);
        assertThat(ClickEventWatermarks.eventTime("{\"timestamp\":\"2026-11-22T21:30:00.000Z\",\"page\":\"/checkout\"}"))
                .isEqualTo(ClickEventWatermarks.NO_EVENT_TIME);
        assertThat(ClickEventWatermarks.eventTime(ClickEventJson.controlFail("id", T + 60_000)))
                .isEqualTo(ClickEventWatermarks.NO_EVENT_TIME);
    }

    @Test
    void linesWithoutEventTimeNeitherAdvanceNorRegressTheWatermark() {
        List<Long> emitted = new ArrayList<>();
        WatermarkOutput output = new WatermarkOutput() {
            @Override
            public void emitWatermark(Watermark watermark) {
                emitted.add(watermark.getTimestamp());
            }

            @Override
            public void markIdle() {}

            @Override
            public void markActive() {}
        };
        WatermarkGenerator<String> generator = new ClickEventWatermarks.ClicksOnly(
                new org.apache.flink.api.common.eventtime.BoundedOutOfOrdernessWatermarks<>(Duration.ofMillis(200)));

        generator.onEvent("click", T, output);
        generator.onPeriodicEmit(output);
        generator.onEvent("garbage", ClickEventWatermarks.NO_EVENT_TIME, output);
        generator.onPeriodicEmit(output);

        assertThat(emitted).containsExactly(T - 201, T - 201);
    }
}

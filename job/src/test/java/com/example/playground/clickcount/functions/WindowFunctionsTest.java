package com.example.playground.clickcount.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.playground.clickcount.records.ClickEvent;
import com.example.playground.clickcount.records.ClickEventStatistics;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;

class WindowFunctionsTest {

    @Test
    void aggregatorCountsAndMerges() {
        CountingAggregator aggregator = new CountingAggregator();
        Long acc = aggregator.createAccumulator();
        for (int i = 0; i < 5; i++) {
            acc = aggregator.add(new ClickEvent(i, "/help"), acc);
        }
        assertThat(aggregator.getResult(acc)).isEqualTo(5L);
        acc = aggregator.add(new ClickEvent(15_000, "/help", 40), acc);
        assertThat(aggregator.getResult(acc)).as("a partial count adds its count").isEqualTo(45L);
        assertThat(aggregator.merge(acc, 3L)).isEqualTo(48L);
    }

    @Test
    void collectorAttachesPageAndWindowBounds() throws Exception {
        ClickEventStatisticsCollector collector = new ClickEventStatisticsCollector();
        TimeWindow window = new TimeWindow(15_000, 30_000);
        List<ClickEventStatistics> out = new ArrayList<>();

        collector.process("/shop", contextFor(collector, window), List.of(1000L), listCollector(out));

        assertThat(out).containsExactly(new ClickEventStatistics(15_000, 30_000, "/shop", 1000));
    }

    @Test
    void pageKeySelectorKeysByPage() {
        assertThat(new PageKeySelector().getKey(new ClickEvent(1, "/news"))).isEqualTo("/news");
    }

    @Test
    void backpressureSlowsDownOnlyInEvenMinutes() throws Exception {
        assertThat(BackpressureMap.isSlowMinute(0)).isTrue();
        assertThat(BackpressureMap.isSlowMinute(60_000)).isFalse();
        ClickEvent click = new ClickEvent(1, "/jobs");
        assertThat(new BackpressureMap(() -> 60_000L).map(click)).isSameAs(click);
    }

    private static Collector<ClickEventStatistics> listCollector(List<ClickEventStatistics> out) {
        return new Collector<>() {
            @Override
            public void collect(ClickEventStatistics record) {
                out.add(record);
            }

            @Override
            public void close() {}
        };
    }

    private static ClickEventStatisticsCollector.Context contextFor(
            ClickEventStatisticsCollector function, TimeWindow window) {
        return function.new Context() {
            @Override
            public TimeWindow window() {
                return window;
            }

            @Override
            public long currentProcessingTime() {
                return 0;
            }

            @Override
            public long currentWatermark() {
                return 0;
            }

            @Override
            public KeyedStateStore windowState() {
                throw new UnsupportedOperationException();
            }

            @Override
            public KeyedStateStore globalState() {
                throw new UnsupportedOperationException();
            }

            @Override
            public <X> void output(OutputTag<X> outputTag, X value) {
                throw new UnsupportedOperationException();
            }
        };
    }
}

package com.example.playground.clickcount;

import com.example.playground.clickcount.functions.BackpressureMap;
import com.example.playground.clickcount.functions.ClickEventStatisticsCollector;
import com.example.playground.clickcount.functions.CountingAggregator;
import com.example.playground.clickcount.functions.PageKeySelector;
import com.example.playground.clickcount.functions.ParseClickEvents;
import com.example.playground.clickcount.functions.WindowPreAggregator;
import com.example.playground.clickcount.records.ClickEvent;
import com.example.playground.clickcount.records.ClickEventSerializer;
import com.example.playground.clickcount.records.ClickEventStatistics;
import com.example.playground.clickcount.records.InputLine;
import com.example.playground.clickcount.records.InputLineSerializer;
import com.example.playground.clickcount.watermarks.ClickEventWatermarks;
import com.example.playground.clickcount.watermarks.EventTimeGuard;
import java.io.Serializable;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.WindowedStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.assigners.TumblingProcessingTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;

/**
 * The ClickCountJob's dataflow, with source and sink injected so that tests run it on a MiniCluster.
 *
 * <pre>
 * ClickEvent Source → ClickEvent Parser → [keyBy(page) → Backpressure] → [ClickEvent Pre-Aggregator]
 *   → keyBy(page) → 15 s tumbling window → ClickEvent Counter → ClickEventStatistics Sink
 * </pre>
 *
 * <p>In event time the {@link WindowPreAggregator}, chained to the task before the keyBy, sends
 * the window partial counts per page instead of every click (see there why the counts and the
 * late-click metric stay the same); it holds nothing at a checkpoint and has no state.
 *
 * <p>In event time the source assigns timestamps and generates watermarks per split (Kafka
 * partition, Kinesis shard) with {@link ClickEventWatermarks} (Flink's source operator creates each
 * split's watermark output when the split is assigned or restored); the source emits the minimum
 * over its non-idle splits. (The former "ClickEvent Watermarks" operator, uid
 * {@code click-event-watermarks}, generated one watermark per source subtask after the parser, so
 * a partition read far ahead of another made the other's clicks late. It had no state; the uid is
 * retired and must not be reused.)
 *
 * <p>In both variants the source's timestamp assigner is the {@link EventTimeGuard}: a click
 * stamped more than the allowed skew ahead of the TaskManager clock gets a sentinel timestamp that
 * the watermark generator ignores and the parser counts ({@code futureTimestamp}) and drops, so
 * neither the watermark nor any window end runs ahead of the clock by more than skew (+ 15 s).
 *
 * <p>The uids below are part of the savepoint contract: never change them.
 */
public final class ClickCountPipeline {

    public static final Duration WINDOW_SIZE = Duration.ofSeconds(15);
    public static final Duration OUT_OF_ORDERNESS = Duration.ofMillis(200);
    /**
     * How long a split may deliver nothing before it no longer holds the watermark back. Every
     * partition and shard gets clicks all the time (the generators' partition keys spread over
     * them), so idleness only matters for a partition that really gets nothing; what it must never
     * do is take a split that is merely waiting its turn for idle. 5 s did: after a TaskManager kill
     * on a loaded machine, one Kafka partition delivered nothing for 7.3 s after the restore while
     * the other caught up, was marked idle, and its clicks then came behind the watermark (windows
     * counted about half). 60 s is far beyond any such stall and still releases a dead partition.
     */
    public static final Duration IDLENESS = Duration.ofSeconds(60);
    /**
     * How often the source's watermark generators emit ({@code pipeline.auto-watermark-interval},
     * Flink's default 200 ms): a window fires on the first watermark past its end, so the interval
     * adds up to its length to every result's latency. A job setting (MSF applies what the code
     * sets); the cost is one comparison per split every 50 ms.
     */
    public static final Duration WATERMARK_INTERVAL = Duration.ofMillis(50);
    /**
     * How long a network buffer of the keyBy waits to fill before it is sent
     * ({@code execution.buffer-timeout}, Flink's default 100 ms). Watermarks travel in the same
     * buffers, so at the default rate (400 clicks/s, far below a buffer a flush) a window's closing
     * watermark waited up to 100 ms; a catch-up run fills buffers before the timeout, so it costs
     * no throughput. A job setting, as on MSF.
     */
    public static final Duration BUFFER_TIMEOUT = Duration.ofMillis(10);

    public static final String SOURCE_NAME = "ClickEvent Source";
    public static final String PARSER_NAME = "ClickEvent Parser";
    public static final String BACKPRESSURE_NAME = "Backpressure";
    public static final String PRE_AGGREGATOR_NAME = "ClickEvent Pre-Aggregator";
    public static final String COUNTER_NAME = "ClickEvent Counter";
    public static final String SINK_NAME = "ClickEventStatistics Sink";

    public static final String SOURCE_UID = "click-event-source";
    public static final String PARSER_UID = "click-event-parser";
    public static final String BACKPRESSURE_UID = "backpressure";
    public static final String PRE_AGGREGATOR_UID = "click-event-pre-aggregator";
    public static final String COUNTER_UID = "click-event-counter";
    public static final String SINK_UID = "click-event-statistics-sink";

    /**
     * Variants of the job.
     *
     * @param eventTime event-time windows (else processing-time windows)
     * @param backpressure insert the {@link BackpressureMap}
     * @param faultInjection let {@code fail} control records fail the job
     * @param parser the parse function (tests inject a clock); {@code null} for the default
     * @param guard the source's timestamp assigner (tests inject a clock); {@code null} for one
     *     with {@link EventTimeGuard#DEFAULT_MAX_FUTURE_SKEW} on the wall clock
     */
    public record Options(boolean eventTime, boolean backpressure, boolean faultInjection, ParseClickEvents parser,
            EventTimeGuard guard) implements Serializable {

        public Options(boolean eventTime, boolean backpressure, boolean faultInjection) {
            this(eventTime, backpressure, faultInjection, null, null);
        }

        public Options(boolean eventTime, boolean backpressure, boolean faultInjection, Duration maxFutureSkew) {
            this(eventTime, backpressure, faultInjection, null, new EventTimeGuard(maxFutureSkew));
        }

        public Options(boolean eventTime, boolean backpressure, boolean faultInjection, ParseClickEvents parser) {
            this(eventTime, backpressure, faultInjection, parser, null);
        }

        ParseClickEvents parseFunction() {
            return parser != null ? parser : new ParseClickEvents(faultInjection);
        }

        EventTimeGuard eventTimeGuard() {
            return guard != null ? guard : new EventTimeGuard(EventTimeGuard.DEFAULT_MAX_FUTURE_SKEW);
        }
    }

    private ClickCountPipeline() {}

    /** Adds the dataflow to {@code env} and returns the statistics stream (already sunk). */
    public static DataStream<ClickEventStatistics> build(
            StreamExecutionEnvironment env,
            Source<InputLine, ?, ?> source,
            Sink<ClickEventStatistics> sink,
            Options options) {

        env.getConfig().setAutoWatermarkInterval(WATERMARK_INTERVAL.toMillis());
        env.setBufferTimeout(BUFFER_TIMEOUT.toMillis());
        EventTimeGuard guard = options.eventTimeGuard();
        WatermarkStrategy<InputLine> watermarks = options.eventTime()
                ? new ClickEventWatermarks(OUT_OF_ORDERNESS, IDLENESS, guard)
                : WatermarkStrategy.<InputLine>noWatermarks().withTimestampAssigner(guard);
        DataStream<ClickEvent> clicks = env.fromSource(source, watermarks, SOURCE_NAME,
                        InputLineSerializer.TYPE_INFO)
                .uid(SOURCE_UID)
                .process(options.parseFunction())
                .name(PARSER_NAME)
                .uid(PARSER_UID);

        if (options.backpressure()) {
            // As in the original playground: a network shuffle before the slow operator, so that the
            // source task's output buffers fill and it is back-pressured (chained, the sleep would only
            // make the source task busy). The operator is stateless; its uid stays.
            clicks = clicks.keyBy(new PageKeySelector())
                    .map(new BackpressureMap())
                    .name(BACKPRESSURE_NAME)
                    .uid(BACKPRESSURE_UID);
        }

        if (options.eventTime()) {
            clicks = clicks.transform(PRE_AGGREGATOR_NAME, ClickEventSerializer.TYPE_INFO,
                            new WindowPreAggregator(WINDOW_SIZE.toMillis()))
                    .uid(PRE_AGGREGATOR_UID);
        }

        WindowedStream<ClickEvent, String, TimeWindow> windows = clicks.keyBy(new PageKeySelector())
                .window(options.eventTime()
                        ? TumblingEventTimeWindows.of(WINDOW_SIZE)
                        : TumblingProcessingTimeWindows.of(WINDOW_SIZE));

        DataStream<ClickEventStatistics> statistics = windows
                .aggregate(new CountingAggregator(), new ClickEventStatisticsCollector())
                .name(COUNTER_NAME)
                .uid(COUNTER_UID);

        statistics.sinkTo(sink).name(SINK_NAME).uid(SINK_UID);
        return statistics;
    }
}

package com.example.playground.clickcount;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.playground.clickcount.records.ClickEvent;
import com.example.playground.clickcount.records.ClickEventJson;
import com.example.playground.clickcount.records.ClickEventStatistics;
import com.example.playground.clickcount.records.Pages;
import com.example.playground.clickcount.testing.ClickScenario;
import com.example.playground.clickcount.testing.OperatorMetrics;
import com.example.playground.clickcount.testing.RecordingSink;
import com.example.playground.clickcount.testing.ScriptedSplitsSource;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Clicks stamped a day ahead (a producer with a wrong clock) on one or on every partition, and
 * clicks far too late, on 2 splits read by 2 readers.
 *
 * <p>Without the event-time guard, a day-ahead click on every split moved the watermark a day
 * ahead: the open windows fired at once with partial counts, every later click was dropped as late,
 * and the day-ahead window's result (record timestamp a day ahead) was rejected by the Kafka
 * broker, failing the job again after every restart; the late clicks were counted in the counters
 * of task attempts that died moments later. With the guard (default {@code max-future-skew} 60 s)
 * such clicks are counted as {@code futureTimestamp} and dropped before the watermark generator:
 * every window is exact, the watermark never passes the wall clock + 60 s, no result is more than
 * 60 s + 15 s ahead, and only the really late clicks show up in {@code numLateRecordsDropped}.
 *
 * <p>The sink fails the job, as a Kafka broker would, on any result more than 1 h ahead; the job
 * runs without restarts.
 */
class ClickCountFutureTimestampsITCase {

    private static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setConfiguration(REPORTER.addToConfiguration(new Configuration()))
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    private static final long BASE = ClickScenario.BASE;
    private static final long WINDOW = ClickScenario.WINDOW;
    private static final long DAY = 86_400_000L;
    private static final long HOUR = 3_600_000L;
    private static final long SKEW = 60_000L;
    /** Clicks per page, window and split. */
    private static final int PER_PAGE = 5;
    private static final int WINDOWS = 4;
    private static final int SPLITS = 2;

    @Test
    void farFutureClicksOnOneSplitAreCountedAndDroppedAndEveryWindowStaysExact() throws Exception {
        String name = "future-one-split";
        List<String> withFuture = new ArrayList<>();
        addWindows(withFuture, 0, 2);
        withFuture.add(dayAhead("/help"));
        withFuture.add(dayAhead("/shop"));
        withFuture.add(ScriptedSplitsSource.pause(1_000));
        addWindows(withFuture, 2, WINDOWS);
        List<String> normal = new ArrayList<>();
        addWindows(normal, 0, WINDOWS);

        JobID job = run(name, List.of(withFuture, normal), true, false);

        assertThat(RecordingSink.statistics(name)).containsExactlyInAnyOrderElementsOf(expected());
        assertThat(parserCounter(job, "futureTimestamp")).isEqualTo(2);
        assertThat(parserCounter(job, "invalidRecords")).isEqualTo(2 + garbageLines());
        assertThat(parserCounter(job, "validClicks")).isEqualTo(validClicks());
        assertThat(lateRecordsDropped(job)).isZero();
        assertWatermarkAndTimestampsWithinSkew(name);
    }

    @ParameterizedTest(name = "backpressure={0}")
    @ValueSource(booleans = {false, true})
    void farFutureClicksOnEverySplitAreDroppedAndOnlyFarLateClicksCountAsLate(boolean backpressure) throws Exception {
        String name = "future-every-split-" + backpressure;
        List<List<String>> scripts = new ArrayList<>();
        for (int split = 0; split < SPLITS; split++) {
            List<String> script = new ArrayList<>();
            addWindows(script, 0, 2);
            script.add(dayAhead(Pages.ALL.get(split)));
            // (without the guard: time for the day-ahead watermark to reach the window)
            script.add(ScriptedSplitsSource.pause(1_000));
            addWindows(script, 2, 3);
            // windows 0 and 1 have fired: a click for them, or an hour ago, is late
            script.add(ScriptedSplitsSource.awaitSinkWatermark(name, BASE + 2 * WINDOW - 1));
            script.add(click(BASE - HOUR, "/news"));
            script.add(click(BASE + 5, "/about"));
            addWindows(script, 3, WINDOWS);
            scripts.add(script);
        }

        JobID job = run(name, scripts, true, backpressure);

        assertThat(RecordingSink.statistics(name)).containsExactlyInAnyOrderElementsOf(expected());
        assertThat(parserCounter(job, "futureTimestamp")).isEqualTo(SPLITS);
        assertThat(parserCounter(job, "validClicks")).isEqualTo(validClicks() + 2 * SPLITS);
        assertThat(lateRecordsDropped(job)).as("numLateRecordsDropped of the ClickEvent Counter").isEqualTo(2 * SPLITS);
        assertWatermarkAndTimestampsWithinSkew(name);
    }

    @Test
    void inProcessingTimeFarFutureClicksAreCountedAndNeverReachTheWindow() throws Exception {
        String name = "future-processing-time";
        List<List<String>> scripts = new ArrayList<>();
        for (int split = 0; split < SPLITS; split++) {
            List<String> script = new ArrayList<>();
            addWindows(script, 0, 1);
            script.add(dayAhead("/jobs"));
            script.add(click(System.currentTimeMillis() + 30_000, "/jobs")); // within the skew: a click
            addWindows(script, 1, 2);
            scripts.add(script);
        }

        JobID job = run(name, scripts, false, false);

        long clicks = (long) SPLITS * 2 * Pages.ALL.size() * PER_PAGE + SPLITS;
        assertThat(parserCounter(job, "futureTimestamp")).isEqualTo(SPLITS);
        assertThat(parserCounter(job, "validClicks")).isEqualTo(clicks);
        assertThat(OperatorMetrics.sum(REPORTER, job, ClickCountPipeline.COUNTER_NAME, "numRecordsIn"))
                .as("clicks that reached the window").isEqualTo(clicks);
        assertWatermarkAndTimestampsWithinSkew(name);
    }

    /** Runs the pipeline on the scripts with a sink that rejects results more than 1 h ahead, without restarts. */
    private static JobID run(String name, List<List<String>> scripts, boolean eventTime, boolean backpressure)
            throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(300);
        ClickCountPipeline.build(env, new ScriptedSplitsSource(name, scripts), new RecordingSink(name),
                new ClickCountPipeline.Options(eventTime, backpressure, true));
        JobClient client = env.executeAsync(name);
        client.getJobExecutionResult().get();
        return client.getJobID();
    }

    private static void assertWatermarkAndTimestampsWithinSkew(String name) {
        assertThat(RecordingSink.watermarks(name))
                .filteredOn(observed -> observed.watermark() != Long.MAX_VALUE)
                .allSatisfy(observed -> assertThat(observed.watermark())
                        .as("watermark vs. wall clock %d", observed.receivedAt())
                        .isLessThanOrEqualTo(observed.receivedAt() + SKEW));
        assertThat(RecordingSink.results(name)).allSatisfy(result -> assertThat(result.timestamp())
                .as("record timestamp of %s", result.statistics())
                .isLessThanOrEqualTo(result.receivedAt() + SKEW + WINDOW));
    }

    private static long parserCounter(JobID job, String counter) {
        return OperatorMetrics.sum(REPORTER, job, ClickCountPipeline.PARSER_NAME, counter);
    }

    private static long lateRecordsDropped(JobID job) {
        return OperatorMetrics.sum(REPORTER, job, ClickCountPipeline.COUNTER_NAME, "numLateRecordsDropped");
    }

    /** Windows {@code [from, to)} of one split: {@value #PER_PAGE} clicks per page each, and one garbage line. */
    private static void addWindows(List<String> script, int from, int to) {
        for (int w = from; w < to; w++) {
            for (int i = 0; i < PER_PAGE; i++) {
                for (int p = 0; p < Pages.ALL.size(); p++) {
                    script.add(click(BASE + w * WINDOW + i * (WINDOW / PER_PAGE) + p, Pages.ALL.get(p)));
                }
            }
            script.add("{not json");
        }
    }

    private static int garbageLines() {
        return SPLITS * WINDOWS;
    }

    private static long validClicks() {
        return (long) SPLITS * WINDOWS * Pages.ALL.size() * PER_PAGE;
    }

    private static String click(long timestamp, String page) {
        return ClickEventJson.toJson(new ClickEvent(timestamp, page));
    }

    private static String dayAhead(String page) {
        return click(System.currentTimeMillis() + DAY, page);
    }

    private static List<ClickEventStatistics> expected() {
        List<ClickEventStatistics> expected = new ArrayList<>();
        for (int w = 0; w < WINDOWS; w++) {
            for (String page : Pages.ALL) {
                expected.add(new ClickEventStatistics(BASE + w * WINDOW, BASE + (w + 1) * WINDOW, page,
                        (long) PER_PAGE * SPLITS));
            }
        }
        return expected;
    }
}

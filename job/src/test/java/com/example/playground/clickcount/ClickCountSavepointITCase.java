package com.example.playground.clickcount;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.playground.clickcount.testing.Await;
import com.example.playground.clickcount.testing.ClickScenario;
import com.example.playground.clickcount.testing.CommittedResultsSink;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Stop with a savepoint mid-stream, resume from it at the same or a higher parallelism. */
class ClickCountSavepointITCase {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(3)
            .build());

    @TempDir
    Path savepoints;

    @Test
    void countsExactlyAcrossStopWithSavepointAndResume() throws Exception {
        assertExactAcrossSavepoint("resume-p2", 2);
    }

    @Test
    void countsExactlyWhenResumingFromTheSavepointAtParallelismThree() throws Exception {
        assertExactAcrossSavepoint("resume-p3", 3);
    }

    private void assertExactAcrossSavepoint(String name, int resumeParallelism) throws Exception {
        ClickScenario scenario = new ClickScenario(name, 50, 6, false);
        String before = name + "-before";
        String after = name + "-after";

        StreamExecutionEnvironment first = environment(2);
        ClickCountPipeline.build(first, scenario.source(500), new CommittedResultsSink(before),
                new ClickCountPipeline.Options(true, false, true));
        JobClient running = first.executeAsync(before);
        Await.until("the first window's results", TIMEOUT,
                () -> CommittedResultsSink.committed(before).size() >= 6);

        String savepoint = running.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                .get();
        running.getJobExecutionResult().get();
        int windowsBefore = CommittedResultsSink.committed(before).size();
        assertThat(windowsBefore).as("stopped mid-stream").isLessThan(36);

        StreamExecutionEnvironment second = environment(resumeParallelism);
        ClickCountPipeline.build(second, scenario.source(2_000), new CommittedResultsSink(after),
                new ClickCountPipeline.Options(true, false, true));
        StreamGraph graph = second.getStreamGraph();
        graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(savepoint, false));
        second.execute(graph);

        assertThat(CommittedResultsSink.committed(after)).as("results after the restore").isNotEmpty();
        assertThat(CommittedResultsSink.committed(before, after))
                .hasSize(36)
                .containsExactlyInAnyOrderElementsOf(scenario.expected());
    }

    private static StreamExecutionEnvironment environment(int parallelism) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        env.enableCheckpointing(300);
        return env;
    }
}

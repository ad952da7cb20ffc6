package com.example.playground.clickcount;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.playground.clickcount.records.ClickEventJson;
import com.example.playground.clickcount.records.ClickEventStatistics;
import com.example.playground.clickcount.testing.ClickScenario;
import com.example.playground.clickcount.testing.CommittedResultsSink;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Today's job resumes from a savepoint of the job as it was before its source handed on parsed
 * lines ({@code src/test/resources/savepoints/string-source-2026-12/README.md}): the savepoint
 * contract (operator uids, the source's split state, the window's count, the sink's committables)
 * held across the change, and no window is lost or counted twice.
 */
class ClickCountSavepointCompatibilityITCase {

    private static final String SAVEPOINT = "savepoints/string-source-2026-12";

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    @Test
    void resumesFromASavepointOfTheJobWithAStringSourceAndCountsEveryWindowOnce() throws Exception {
        URL metadata = getClass().getClassLoader().getResource(SAVEPOINT + "/_metadata");
        assertThat(metadata).as("the savepoint resource").isNotNull();
        Path savepoint = Path.of(metadata.toURI()).getParent();
        List<ClickEventStatistics> before = new ArrayList<>();
        for (String line : Files.readAllLines(savepoint.resolve("results-before.jsonl"))) {
            if (!line.isBlank()) {
                before.add(ClickEventJson.parseStatistics(line));
            }
        }
        // the scenario the savepoint was taken from: 6 windows, 50 clicks per page, window and lane
        ClickScenario scenario = new ClickScenario("v1", 50, 6, false);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(300);
        ClickCountPipeline.build(env, scenario.source(2_000), new CommittedResultsSink("compat-after"),
                new ClickCountPipeline.Options(true, false, true));
        StreamGraph graph = env.getStreamGraph();
        graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(savepoint.toUri().toString(), false));
        env.execute(graph);

        List<ClickEventStatistics> after = CommittedResultsSink.committed("compat-after");
        assertThat(before).as("results of the old job before its stop").hasSize(6);
        assertThat(after).as("results after the restore").hasSize(30);
        List<ClickEventStatistics> all = new ArrayList<>(before);
        all.addAll(after);
        assertThat(all).containsExactlyInAnyOrderElementsOf(scenario.expected());
    }
}

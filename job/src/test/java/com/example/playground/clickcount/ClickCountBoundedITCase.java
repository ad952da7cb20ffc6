package com.example.playground.clickcount;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.playground.clickcount.testing.ClickScenario;
import com.example.playground.clickcount.testing.CommittedResultsSink;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.graph.StreamingJobGraphGenerator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ClickCountBoundedITCase {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    @Test
    void countsEveryWindowOfEveryPageExactlyOnceDroppingBadInput() throws Exception {
        ClickScenario scenario = new ClickScenario("bounded", 25, 4, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(300);
        ClickCountPipeline.build(env, scenario.source(2_000), new CommittedResultsSink("bounded"),
                new ClickCountPipeline.Options(true, false, true));

        env.execute("bounded");

        assertThat(CommittedResultsSink.committed("bounded"))
                .hasSize(24)
                .containsExactlyInAnyOrderElementsOf(scenario.expected());
    }

    @Test
    void theBackpressureOperatorRunsInATaskOfItsOwnBehindANetworkShuffle() throws Exception {
        List<String> without = taskNames(false);
        List<String> with = taskNames(true);

        assertThat(without).hasSize(2).noneMatch(name -> name.contains(ClickCountPipeline.BACKPRESSURE_NAME));
        assertThat(with).hasSize(3);
        assertThat(with.get(1)).startsWith(ClickCountPipeline.BACKPRESSURE_NAME);
        assertThat(with.get(0)).contains(ClickCountPipeline.SOURCE_NAME).doesNotContain(ClickCountPipeline.BACKPRESSURE_NAME);
        assertThat(without.get(0)).as("the pre-aggregator is chained to the source")
                .contains(ClickCountPipeline.SOURCE_NAME, ClickCountPipeline.PRE_AGGREGATOR_NAME);
        assertThat(with.get(1)).as("behind the Backpressure operator, so that it still sees every click")
                .contains(ClickCountPipeline.BACKPRESSURE_NAME, ClickCountPipeline.PRE_AGGREGATOR_NAME);
    }

    private static List<String> taskNames(boolean backpressure) {
        ClickScenario scenario = new ClickScenario("graph", 1, 1, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ClickCountPipeline.build(env, scenario.source(2_000), new CommittedResultsSink("graph"),
                new ClickCountPipeline.Options(true, backpressure, true));
        List<String> names = new ArrayList<>();
        StreamingJobGraphGenerator.createJobGraph(env.getStreamGraph()).getVerticesSortedTopologicallyFromSources()
                .forEach(vertex -> names.add(vertex.getName()));
        return names;
    }

    @Test
    void backpressureVariantCountsTheSame() throws Exception {
        ClickScenario scenario = new ClickScenario("backpressure", 5, 2, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(300);
        ClickCountPipeline.build(env, scenario.source(2_000), new CommittedResultsSink("backpressure"),
                new ClickCountPipeline.Options(true, true, true));

        env.execute("backpressure");

        assertThat(CommittedResultsSink.committed("backpressure"))
                .containsExactlyInAnyOrderElementsOf(scenario.expected());
    }
}

package com.example.playground.clickcount;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.playground.clickcount.testing.ClickScenario;
import com.example.playground.clickcount.testing.CommittedResultsSink;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
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

package com.example.playground.clickcount;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.playground.clickcount.testing.ClickScenario;
import com.example.playground.clickcount.testing.CommittedResultsSink;
import com.example.playground.clickcount.testing.SkewedSplitsSource;
import java.time.Duration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Regression test for per-split watermarks: a backlog of 4 partitions on 2 readers, each reader
 * reading one of its partitions completely (all windows, in batches of 10,000) and its other
 * partition only 1 s later, as a Kafka or Kinesis consumer catching up after a restart may do.
 *
 * <p>With watermarks generated after the parser (one watermark per reader), the watermark passes
 * the end of the last window while the second partition has not delivered anything yet; all its
 * clicks are then late and dropped, and every window but the last counts 40 instead of 80. With watermarks
 * generated in the source per split and combined by minimum, the lagging split holds the watermark
 * back (it is not idle: 1 s &lt; 5 s idleness) and every window is exact.
 */
class ClickCountSkewedSplitsITCase {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    @Test
    void aSplitReadFarAheadOfAnotherOfTheSameReaderMakesNoClickLate() throws Exception {
        ClickScenario scenario = new ClickScenario("skewed", 20, 4, false, 4);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(300);
        ClickCountPipeline.build(env, new SkewedSplitsSource(scenario, Duration.ofSeconds(1)),
                new CommittedResultsSink("skewed"), new ClickCountPipeline.Options(true, false, true));

        env.execute("skewed");

        assertThat(CommittedResultsSink.committed("skewed"))
                .hasSize(24)
                .containsExactlyInAnyOrderElementsOf(scenario.expected());
    }
}

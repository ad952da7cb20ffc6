package com.example.playground.clickcount;

import com.example.playground.clickcount.records.InputLine;
import com.example.playground.clickcount.records.InputLineSerializer;
import static org.assertj.core.api.Assertions.assertThat;

import com.example.playground.clickcount.testing.ClickScenario;
import com.example.playground.clickcount.testing.CommittedResultsSink;
import java.time.Duration;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.executiongraph.ArchivedExecutionGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ClickCountFailureRecoveryITCase {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    @Test
    void failsOnceOnTheControlRecordAndRecoversWithExactCounts(@InjectMiniCluster MiniCluster miniCluster)
            throws Exception {
        ClickScenario scenario = new ClickScenario("fail-" + System.nanoTime(), 50, 4, true);
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        env.enableCheckpointing(200);
        // records are released only as checkpoints complete, so checkpoints exist before the failure
        DataGeneratorSource<InputLine> source = new DataGeneratorSource<>(
                scenario::lineAt, scenario.totalRecords(), RateLimiterStrategy.perCheckpoint(300), InputLineSerializer.TYPE_INFO);
        ClickCountPipeline.build(env, source, new CommittedResultsSink("recovery"),
                new ClickCountPipeline.Options(true, false, true));

        JobClient client = env.executeAsync("failure recovery");
        client.getJobExecutionResult().get();

        assertThat(scenario.controlRecordIssued()).as("control record was read").isTrue();
        assertThat(CommittedResultsSink.committed("recovery"))
                .hasSize(24)
                .containsExactlyInAnyOrderElementsOf(scenario.expected());

        JobID jobId = client.getJobID();
        ArchivedExecutionGraph graph = miniCluster.getArchivedExecutionGraph(jobId).get();
        for (AccessExecutionVertex vertex : graph.getAllExecutionVertices()) {
            assertThat(vertex.getCurrentExecutionAttempt().getAttemptNumber())
                    .as("attempt of %s: restarted exactly once", vertex.getTaskNameWithSubtaskIndex())
                    .isEqualTo(1);
        }
        assertThat(graph.getCheckpointStatsSnapshot().getCounts().getNumberOfRestoredCheckpoints())
                .as("recovered from a checkpoint")
                .isEqualTo(1);
    }
}

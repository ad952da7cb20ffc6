package com.example.playground.clickcount;

import com.example.playground.clickcount.config.JobConfig;
import com.example.playground.clickcount.connectors.kafka.KafkaConnectors;
import com.example.playground.clickcount.connectors.kinesis.KinesisConnectors;
import com.example.playground.clickcount.records.ClickEventStatistics;
import com.example.playground.clickcount.records.InputLine;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point: counts clicks per page in 15 s windows, between Kinesis streams or Kafka topics.
 *
 * <p>Arguments: {@code [--config <application-properties.json>]}. Checkpointing, parallelism and the
 * restart strategy come from the platform (MSF application configuration or the cluster's
 * {@code config.yaml}), not from here. Whether checkpointing is on is read from the environment: without
 * it the sources remember their positions outside Flink's state (Kafka: the consumer group's
 * auto-committed offsets; Kinesis: positions reported to the enumerator), as the original playground's
 * consumer did, so a restart resumes near where the job was and loses the open windows' contents.
 */
public final class ClickCountJob {

    private static final Logger LOG = LoggerFactory.getLogger(ClickCountJob.class);

    public static final String JOB_NAME = "Click Event Count";

    private ClickCountJob() {}

    public static void main(String[] args) throws Exception {
        Map<String, Properties> groups = ApplicationProperties.load(args);
        JobConfig config = JobConfig.parse(groups);
        LOG.info("Starting {} with {}", JOB_NAME, config);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        boolean checkpointing = env.getCheckpointConfig().isCheckpointingEnabled();
        LOG.info(checkpointing
                ? "Checkpointing is on (every {} ms): a restart resumes from the last checkpoint"
                : "Checkpointing is off: a restart resumes from the positions the source last remembered"
                        + " (Kafka: auto-committed offsets; Kinesis: reported to the enumerator), without the open windows",
                env.getCheckpointConfig().getCheckpointInterval());
        ClickCountPipeline.build(env, source(config, checkpointing), sink(config, checkpointing),
                new ClickCountPipeline.Options(config.eventTime(), config.backpressure(), config.faultInjection(),
                        config.maxFutureSkew()));
        env.execute(JOB_NAME);
    }

    static Source<InputLine, ?, ?> source(JobConfig config, boolean checkpointing) {
        switch (config.streams()) {
            case KINESIS:
                return KinesisConnectors.source(config.kinesis(), checkpointing);
            case KAFKA:
            default:
                return KafkaConnectors.source(config.kafka(), checkpointing);
        }
    }

    static Sink<ClickEventStatistics> sink(JobConfig config, boolean checkpointing) {
        switch (config.streams()) {
            case KINESIS:
                return KinesisConnectors.sink(config.kinesis());
            case KAFKA:
            default:
                return KafkaConnectors.sink(config.kafka(), checkpointing);
        }
    }
}

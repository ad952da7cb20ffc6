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
 * {@code config.yaml}), not from here.
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
        ClickCountPipeline.build(env, source(config), sink(config),
                new ClickCountPipeline.Options(config.eventTime(), config.backpressure(), config.faultInjection(),
                        config.maxFutureSkew()));
        env.execute(JOB_NAME);
    }

    static Source<InputLine, ?, ?> source(JobConfig config) {
        switch (config.streams()) {
            case KINESIS:
                return KinesisConnectors.source(config.kinesis());
            case KAFKA:
            default:
                return KafkaConnectors.source(config.kafka());
        }
    }

    static Sink<ClickEventStatistics> sink(JobConfig config) {
        switch (config.streams()) {
            case KINESIS:
                return KinesisConnectors.sink(config.kinesis());
            case KAFKA:
            default:
                return KafkaConnectors.sink(config.kafka());
        }
    }
}

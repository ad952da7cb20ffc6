package com.example.playground.clickcount.config;

import com.example.playground.clickcount.config.KafkaConfig.Auth;
import com.example.playground.clickcount.config.KafkaConfig.DeliveryGuarantee;
import com.example.playground.clickcount.config.KafkaConfig.StartingOffsets;
import com.example.playground.clickcount.config.KinesisConfig.HttpProtocol;
import com.example.playground.clickcount.config.KinesisConfig.InitialPosition;
import com.example.playground.clickcount.records.Timestamps;
import com.example.playground.clickcount.watermarks.EventTimeGuard;
import java.io.Serializable;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The job's configuration, parsed from MSF runtime property groups.
 *
 * <p>Exactly one of {@link #kinesis()} and {@link #kafka()} is present, matching {@link #streams()}.
 * Every key is documented in {@code job/README.md}.
 *
 * @param maxFutureSkew how far ahead of the TaskManager clock a click may be stamped; clicks
 *     further ahead are counted ({@code futureTimestamp}) and dropped, see {@link EventTimeGuard}
 */
public record JobConfig(
        StreamsKind streams,
        boolean eventTime,
        boolean backpressure,
        boolean faultInjection,
        Duration maxFutureSkew,
        KinesisConfig kinesis,
        KafkaConfig kafka)
        implements Serializable {

    public static final String JOB_GROUP = "ClickCountJob";
    public static final String KINESIS_GROUP = "Kinesis";
    public static final String KAFKA_GROUP = "Kafka";
    public static final String MAX_FUTURE_SKEW = "max-future-skew";

    public Optional<KinesisConfig> kinesisConfig() {
        return Optional.ofNullable(kinesis);
    }

    public Optional<KafkaConfig> kafkaConfig() {
        return Optional.ofNullable(kafka);
    }

    /**
     * Parses the property groups.
     *
     * @throws InvalidConfigurationException naming group and key of the first missing or invalid value
     */
    public static JobConfig parse(Map<String, Properties> groups) {
        PropertyGroup job = new PropertyGroup(JOB_GROUP, groups.get(JOB_GROUP));
        StreamsKind streams = job.enumValue("streams", StreamsKind.class, null);
        if (streams == null) {
            throw new InvalidConfigurationException(
                    job.qualified("streams") + " is required (kinesis or kafka)");
        }
        boolean eventTime = job.bool("event-time", true);
        boolean backpressure = job.bool("backpressure", false);
        boolean faultInjection = job.bool("fault-injection", true);
        Duration maxFutureSkew = job.duration(MAX_FUTURE_SKEW, EventTimeGuard.DEFAULT_MAX_FUTURE_SKEW);
        if (maxFutureSkew.toMillis() <= 0 || maxFutureSkew.compareTo(EventTimeGuard.MAX_FUTURE_SKEW_LIMIT) > 0) {
            throw new InvalidConfigurationException(job.qualified(MAX_FUTURE_SKEW)
                    + " must be at least 1 ms and at most 10 min (results carry their window end as timestamp,"
                    + " and Kafka brokers reject timestamps more than 1 h ahead), got '"
                    + job.string(MAX_FUTURE_SKEW, "") + "'");
        }
        String condition = job.qualified("streams") + "=" + streams.name().toLowerCase(java.util.Locale.ROOT);
        KinesisConfig kinesis = null;
        KafkaConfig kafka = null;
        if (streams == StreamsKind.KINESIS) {
            kinesis = parseKinesis(new PropertyGroup(KINESIS_GROUP, groups.get(KINESIS_GROUP)), condition);
        } else {
            kafka = parseKafka(new PropertyGroup(KAFKA_GROUP, groups.get(KAFKA_GROUP)), condition);
        }
        return new JobConfig(streams, eventTime, backpressure, faultInjection, maxFutureSkew, kinesis, kafka);
    }

    private static KinesisConfig parseKinesis(PropertyGroup group, String condition) {
        String region = group.required("aws.region", condition);
        String input = group.streamArn("input.stream.arn", condition);
        String output = group.streamArn("output.stream.arn", condition);
        InitialPosition position =
                group.enumValue("initial.position", InitialPosition.class, InitialPosition.TRIM_HORIZON);
        Long timestamp = null;
        if (position == InitialPosition.AT_TIMESTAMP) {
            String text = group.required(
                    "initial.timestamp", group.qualified("initial.position") + "=AT_TIMESTAMP");
            try {
                timestamp = Timestamps.parse(text);
            } catch (DateTimeParseException e) {
                throw new InvalidConfigurationException(group.qualified("initial.timestamp")
                        + " must be an ISO-8601 instant such as 2026-11-22T21:30:00.000Z, got '" + text + "'", e);
            }
        }
        return new KinesisConfig(
                region,
                input,
                output,
                position,
                timestamp,
                group.uri("aws.endpoint").orElse(null),
                group.bool("aws.trust.all.certificates", false),
                group.enumValue("aws.http.protocol.version", HttpProtocol.class, HttpProtocol.HTTP2),
                group.bool("aws.cbor.enabled", true));
    }

    private static KafkaConfig parseKafka(PropertyGroup group, String condition) {
        DeliveryGuarantee guarantee = group.enumValue(
                "delivery.guarantee", DeliveryGuarantee.class, DeliveryGuarantee.AT_LEAST_ONCE);
        return new KafkaConfig(
                group.required("bootstrap.servers", condition),
                group.string("input.topic", "input"),
                group.string("output.topic", "output"),
                group.string("group.id", "click-count-job"),
                group.enumValue("starting.offsets", StartingOffsets.class, StartingOffsets.EARLIEST),
                group.enumValue("auth", Auth.class, Auth.NONE),
                guarantee,
                group.string("transactional.id.prefix", "click-count-job"));
    }
}

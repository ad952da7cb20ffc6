package com.example.playground.clickcount.config;

import java.io.Serializable;

/**
 * Property group {@code Kafka}.
 *
 * @param bootstrapServers comma-separated host:port list
 * @param inputTopic topic the clicks are read from
 * @param outputTopic topic the statistics are written to
 * @param groupId consumer group id (offsets are committed on checkpoints)
 * @param startingOffsets where to start reading when the job starts without state
 * @param auth {@code none} (PLAINTEXT) or {@code iam} (SASL_SSL with AWS_MSK_IAM)
 * @param deliveryGuarantee delivery guarantee of the sink
 * @param transactionalIdPrefix prefix of transactional ids ({@code EXACTLY_ONCE} only)
 */
public record KafkaConfig(
        String bootstrapServers,
        String inputTopic,
        String outputTopic,
        String groupId,
        StartingOffsets startingOffsets,
        Auth auth,
        DeliveryGuarantee deliveryGuarantee,
        String transactionalIdPrefix)
        implements Serializable {

    /** Where a stateless start begins to read. */
    public enum StartingOffsets {
        /** The earliest offset of every partition. */
        EARLIEST,
        /** The latest offset of every partition. */
        LATEST,
        /** The group's committed offsets, and the earliest offset where none is committed. */
        COMMITTED
    }

    /** How the job authenticates to the brokers. */
    public enum Auth {
        NONE,
        IAM
    }

    /** Mirrors {@code org.apache.flink.connector.base.DeliveryGuarantee}. */
    public enum DeliveryGuarantee {
        AT_LEAST_ONCE,
        EXACTLY_ONCE,
        NONE
    }
}

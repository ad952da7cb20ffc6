package com.example.playground.clickcount.connectors.kinesis;

import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.groups.AbstractMetricGroup;

/**
 * The metrics of one shard, under the names and the scope of the official source
 * ({@code org.apache.flink.connector.kinesis.source.metrics.KinesisShardMetrics} of
 * {@code flink-connector-aws-kinesis-streams}): below the source reader's operator group, the groups
 * {@code KinesisStreamSource.accountId.<account>.region.<region>.stream.<name>.shardId.<shard>} hold
 * the gauge {@code millisBehindLatest}. Managed Service for Apache Flink publishes that gauge as its
 * Kinesis connector metric {@code millisBehindLatest} (Application level per stream, Parallelism level
 * per shard), which the playground's lag alarm reads (infra/lib/msf-metrics.ts).
 *
 * <p>The gauge is {@code -1} until the first GetRecords answer of the shard, like the official one.
 */
final class KinesisShardMetrics {

    static final String SOURCE_GROUP = "KinesisStreamSource";
    static final String ACCOUNT_ID_GROUP = "accountId";
    static final String REGION_GROUP = "region";
    static final String STREAM_GROUP = "stream";
    static final String SHARD_GROUP = "shardId";
    static final String MILLIS_BEHIND_LATEST = "millisBehindLatest";

    private final MetricGroup group;
    private volatile long millisBehindLatest = -1L;

    /**
     * Registers the shard's group and gauge below {@code readerGroup}.
     *
     * @param streamArn the stream's ARN ({@code arn:<partition>:kinesis:<region>:<account>:stream/<name>},
     *     as the job's configuration checks it)
     */
    KinesisShardMetrics(MetricGroup readerGroup, String streamArn, String shardId) {
        String[] parts = streamArn.split(":", 6);
        if (parts.length != 6 || !parts[5].startsWith("stream/")) {
            throw new IllegalArgumentException("not a Kinesis stream ARN: " + streamArn);
        }
        this.group = readerGroup
                .addGroup(SOURCE_GROUP)
                .addGroup(ACCOUNT_ID_GROUP, parts[4])
                .addGroup(REGION_GROUP, parts[3])
                .addGroup(STREAM_GROUP, parts[5].substring("stream/".length()))
                .addGroup(SHARD_GROUP, shardId);
        this.group.gauge(MILLIS_BEHIND_LATEST, this::millisBehindLatest);
    }

    long millisBehindLatest() {
        return millisBehindLatest;
    }

    void millisBehindLatest(long value) {
        this.millisBehindLatest = value;
    }

    /** Removes the shard's gauge (a finished shard reports no lag). */
    void unregister() {
        if (group instanceof AbstractMetricGroup registered) {
            registered.close();
        }
    }

    /** Whether the shard's gauge is still registered (for tests). */
    boolean registered() {
        return !(group instanceof AbstractMetricGroup registered && registered.isClosed());
    }
}

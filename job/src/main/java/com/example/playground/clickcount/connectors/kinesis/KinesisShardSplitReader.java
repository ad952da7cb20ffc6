package com.example.playground.clickcount.connectors.kinesis;

import com.example.playground.clickcount.config.KinesisConfig;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.GetRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.LimitExceededException;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Polls the assigned shards round-robin with GetRecords (at most one call per shard every
 * {@link #POLL_INTERVAL_MILLIS}, well under the 5 calls/s/shard limit). Runs in the single fetcher
 * thread of the source reader. Each assigned shard reports GetRecords' MillisBehindLatest as the
 * gauge {@code millisBehindLatest} ({@link KinesisShardMetrics}) until it is finished.
 */
final class KinesisShardSplitReader implements SplitReader<Record, KinesisShardSplit> {

    private static final Logger LOG = LoggerFactory.getLogger(KinesisShardSplitReader.class);

    static final long POLL_INTERVAL_MILLIS = 250;
    static final long THROTTLE_BACKOFF_MILLIS = 1_000;
    static final int MAX_RECORDS_PER_CALL = 1_000;

    private final KinesisConfig config;
    private final KinesisAsyncClient client;
    private final MetricGroup metricGroup;
    private final Deque<ShardCursor> cursors = new ArrayDeque<>();
    private final Object wakeUpLock = new Object();
    private boolean wokenUp;

    private static final class ShardCursor {
        final String shardId;
        String lastSequenceNumber;
        String iterator;
        long nextPollAt;
        final KinesisShardMetrics metrics;

        ShardCursor(KinesisShardSplit split, KinesisShardMetrics metrics) {
            this.shardId = split.shardId();
            this.lastSequenceNumber = split.lastSequenceNumber();
            this.metrics = metrics;
        }
    }

    /** @param metricGroup the source reader's metric group, below which each shard's group is registered */
    KinesisShardSplitReader(KinesisConfig config, KinesisAsyncClient client, MetricGroup metricGroup) {
        this.config = config;
        this.client = client;
        this.metricGroup = metricGroup;
    }

    @Override
    public RecordsWithSplitIds<Record> fetch() {
        ShardCursor cursor = nextDueCursor();
        if (cursor == null) {
            return new RecordsBySplits<>(Map.of(), Set.of());
        }
        try {
            if (cursor.iterator == null) {
                cursor.iterator = shardIterator(cursor);
            }
            GetRecordsResponse response = client.getRecords(GetRecordsRequest.builder()
                            .streamARN(config.inputStreamArn())
                            .shardIterator(cursor.iterator)
                            .limit(MAX_RECORDS_PER_CALL)
                            .build())
                    .join();
            List<Record> records = response.records();
            if (!records.isEmpty()) {
                cursor.lastSequenceNumber = records.get(records.size() - 1).sequenceNumber();
            }
            if (response.millisBehindLatest() != null) {
                cursor.metrics.millisBehindLatest(response.millisBehindLatest());
            }
            cursor.iterator = response.nextShardIterator();
            cursor.nextPollAt = System.currentTimeMillis() + (records.isEmpty() ? POLL_INTERVAL_MILLIS : 0);
            if (cursor.iterator == null) {
                LOG.info("Shard {} is closed and fully read", cursor.shardId);
                cursors.remove(cursor);
                cursor.metrics.unregister();
                return new RecordsBySplits<>(Map.of(cursor.shardId, records), Set.of(cursor.shardId));
            }
            return new RecordsBySplits<>(Map.of(cursor.shardId, records), Set.of());
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ExpiredIteratorException) {
                LOG.info("Shard iterator of {} expired; resuming after {}", cursor.shardId, cursor.lastSequenceNumber);
                cursor.iterator = null;
            } else if (cause instanceof ProvisionedThroughputExceededException
                    || cause instanceof LimitExceededException) {
                LOG.debug("Throttled on shard {}", cursor.shardId);
                cursor.nextPollAt = System.currentTimeMillis() + THROTTLE_BACKOFF_MILLIS;
            } else {
                throw e;
            }
            return new RecordsBySplits<>(Map.of(), Set.of());
        }
    }

    /** The next cursor whose poll is due (rotating), waiting until one is due; null if woken up or none. */
    private ShardCursor nextDueCursor() {
        synchronized (wakeUpLock) {
            while (!wokenUp) {
                long now = System.currentTimeMillis();
                long earliest = Long.MAX_VALUE;
                for (int i = 0; i < cursors.size(); i++) {
                    ShardCursor cursor = cursors.pollFirst();
                    cursors.addLast(cursor);
                    if (cursor.nextPollAt <= now) {
                        return cursor;
                    }
                    earliest = Math.min(earliest, cursor.nextPollAt);
                }
                long waitMillis = earliest == Long.MAX_VALUE ? POLL_INTERVAL_MILLIS : Math.max(1, earliest - now);
                try {
                    wakeUpLock.wait(waitMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
                if (cursors.isEmpty()) {
                    return null;
                }
            }
            wokenUp = false;
            return null;
        }
    }

    private String shardIterator(ShardCursor cursor) {
        GetShardIteratorRequest.Builder request = GetShardIteratorRequest.builder()
                .streamARN(config.inputStreamArn())
                .shardId(cursor.shardId);
        if (cursor.lastSequenceNumber != null) {
            request.shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                    .startingSequenceNumber(cursor.lastSequenceNumber);
        } else {
            switch (config.initialPosition()) {
                case LATEST:
                    request.shardIteratorType(ShardIteratorType.LATEST);
                    break;
                case AT_TIMESTAMP:
                    request.shardIteratorType(ShardIteratorType.AT_TIMESTAMP)
                            .timestamp(Instant.ofEpochMilli(config.initialTimestamp()));
                    break;
                case TRIM_HORIZON:
                default:
                    request.shardIteratorType(ShardIteratorType.TRIM_HORIZON);
            }
        }
        return client.getShardIterator(request.build()).join().shardIterator();
    }

    @Override
    public void handleSplitsChanges(SplitsChange<KinesisShardSplit> splitsChanges) {
        if (!(splitsChanges instanceof SplitsAddition)) {
            throw new UnsupportedOperationException("unsupported splits change " + splitsChanges);
        }
        synchronized (wakeUpLock) {
            Collection<KinesisShardSplit> splits = splitsChanges.splits();
            for (KinesisShardSplit split : splits) {
                LOG.info("Reading shard {} after sequence number {}", split.shardId(), split.lastSequenceNumber());
                cursors.addLast(new ShardCursor(
                        split, new KinesisShardMetrics(metricGroup, config.inputStreamArn(), split.shardId())));
            }
        }
    }

    @Override
    public void wakeUp() {
        synchronized (wakeUpLock) {
            wokenUp = true;
            wakeUpLock.notifyAll();
        }
    }

    @Override
    public void close() {
        synchronized (wakeUpLock) {
            cursors.forEach(cursor -> cursor.metrics.unregister());
        }
        client.close();
    }

    /** For tests: shard id to the metrics of each shard being read. */
    Map<String, KinesisShardMetrics> shardMetrics() {
        Map<String, KinesisShardMetrics> metrics = new HashMap<>();
        for (ShardCursor cursor : cursors) {
            metrics.put(cursor.shardId, cursor.metrics);
        }
        return metrics;
    }

    /** For tests and logs: shard id to last sequence number read. */
    Map<String, String> positions() {
        Map<String, String> positions = new HashMap<>();
        for (ShardCursor cursor : cursors) {
            positions.put(cursor.shardId, cursor.lastSequenceNumber);
        }
        return positions;
    }
}

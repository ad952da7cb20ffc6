package com.example.playground.clickcount.connectors.kinesis;

import com.example.playground.clickcount.config.KinesisConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Discovers the shards of the input stream periodically and assigns each new shard to one reader
 * (by hash of the shard id). A shard is assigned once for the job's lifetime; its progress lives
 * in the reader's checkpointed state.
 *
 * <p>With {@code resumeFromReported} (checkpointing off) it keeps the positions the readers report
 * ({@link KinesisShardPositions}) and gives a split that comes back after a failure to a reader again
 * from its last reported position instead of the one it was first assigned with. The positions live
 * in the JobManager: they outlast a TaskManager loss or a task failure, not a JobManager restart.
 */
final class KinesisShardEnumerator implements SplitEnumerator<KinesisShardSplit, KinesisEnumeratorState> {

    private static final Logger LOG = LoggerFactory.getLogger(KinesisShardEnumerator.class);

    static final long DISCOVERY_INTERVAL_MILLIS = 10_000;

    private final SplitEnumeratorContext<KinesisShardSplit> context;
    private final KinesisConfig config;
    private final Supplier<KinesisAsyncClient> clientFactory;
    private final Set<String> assigned;
    private final List<KinesisShardSplit> pending;
    private final boolean resumeFromReported;
    private final Map<String, String> reported = new HashMap<>();
    private KinesisAsyncClient client;

    KinesisShardEnumerator(
            SplitEnumeratorContext<KinesisShardSplit> context,
            KinesisConfig config,
            Supplier<KinesisAsyncClient> clientFactory,
            KinesisEnumeratorState state,
            boolean resumeFromReported) {
        this.context = context;
        this.resumeFromReported = resumeFromReported;
        this.config = config;
        this.clientFactory = clientFactory;
        this.assigned = new HashSet<>(state.assignedShardIds());
        this.pending = new ArrayList<>(state.pendingSplits());
    }

    @Override
    public void start() {
        client = clientFactory.get();
        context.callAsync(this::listShards, this::onShardsListed, 0, DISCOVERY_INTERVAL_MILLIS);
    }

    private List<Shard> listShards() {
        List<Shard> shards = new ArrayList<>();
        String nextToken = null;
        do {
            ListShardsRequest request = nextToken == null
                    ? ListShardsRequest.builder().streamARN(config.inputStreamArn()).build()
                    : ListShardsRequest.builder().nextToken(nextToken).build();
            ListShardsResponse response = client.listShards(request).join();
            shards.addAll(response.shards());
            nextToken = response.nextToken();
        } while (nextToken != null);
        return shards;
    }

    private void onShardsListed(List<Shard> shards, Throwable error) {
        if (error != null) {
            LOG.warn("Listing the shards of {} failed; retrying in {} ms",
                    config.inputStreamArn(), DISCOVERY_INTERVAL_MILLIS, error);
            return;
        }
        for (Shard shard : shards) {
            String id = shard.shardId();
            boolean known = assigned.contains(id) || pending.stream().anyMatch(s -> s.shardId().equals(id));
            if (!known) {
                LOG.info("Discovered shard {} of {}", id, config.inputStreamArn());
                pending.add(new KinesisShardSplit(id, null));
            }
        }
        assignPending();
    }

    private void assignPending() {
        int parallelism = context.currentParallelism();
        Iterator<KinesisShardSplit> it = pending.iterator();
        while (it.hasNext()) {
            KinesisShardSplit split = it.next();
            int owner = Math.floorMod(split.shardId().hashCode(), parallelism);
            if (context.registeredReaders().containsKey(owner)) {
                context.assignSplit(split, owner);
                assigned.add(split.shardId());
                it.remove();
            }
        }
    }

    @Override
    public void handleSplitRequest(int subtaskId, String requesterHostname) {
        // splits are pushed on discovery
    }

    @Override
    public void handleSourceEvent(int subtaskId, SourceEvent sourceEvent) {
        if (resumeFromReported && sourceEvent instanceof KinesisShardPositions positions) {
            reported.putAll(positions.lastSequenceNumbers());
        }
    }

    @Override
    public void addSplitsBack(List<KinesisShardSplit> splits, int subtaskId) {
        for (KinesisShardSplit split : splits) {
            assigned.remove(split.shardId());
            String position = resumeFromReported ? reported.get(split.shardId()) : null;
            if (position != null) {
                LOG.info("Shard {} resumes after {}, its last reported position (checkpointing is off)",
                        split.shardId(), position);
            }
            pending.add(position != null ? new KinesisShardSplit(split.shardId(), position) : split);
        }
        // the failed subtask's new reader gets them when it registers (addReader)
    }

    @Override
    public void addReader(int subtaskId) {
        assignPending();
    }

    @Override
    public KinesisEnumeratorState snapshotState(long checkpointId) {
        return new KinesisEnumeratorState(assigned, pending);
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
    }
}

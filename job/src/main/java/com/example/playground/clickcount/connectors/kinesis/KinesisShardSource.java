package com.example.playground.clickcount.connectors.kinesis;

import com.example.playground.clickcount.config.KinesisConfig;
import com.example.playground.clickcount.records.InputLine;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * A small FLIP-27 Kinesis Data Streams source (polling GetRecords by stream ARN), emitting each
 * record's payload as a UTF-8 string; positions are checkpointed per shard, so it is exactly-once
 * with Flink checkpoints. Without checkpointing, the readers report their positions to the
 * enumerator every 5 s and a restart resumes from the last report: records read since then are read
 * again, and what the open windows had counted is lost (the {@code --no-checkpointing} variant).
 *
 * <p>It exists because the official {@code flink-connector-aws-kinesis-streams} 6.0.x-2.0 is not
 * served by the Maven registry this project builds from; its state is not the official source's, so a
 * savepoint does not carry over to it (see {@code package-info.java}).
 *
 * <p>Limitation: after a reshard, parent and child shards may be read concurrently (no
 * parent-before-child ordering).
 */
public final class KinesisShardSource implements Source<InputLine, KinesisShardSplit, KinesisEnumeratorState> {

    private static final long serialVersionUID = 1L;

    private final KinesisConfig config;
    private final boolean checkpointing;

    /**
     * @param checkpointing whether the job checkpoints; without it the readers report their positions to
     *     the enumerator, and a restart resumes from the last reported ones (see {@link KinesisShardPositions})
     */
    public KinesisShardSource(KinesisConfig config, boolean checkpointing) {
        this.config = config;
        this.checkpointing = checkpointing;
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SourceReader<InputLine, KinesisShardSplit> createReader(SourceReaderContext readerContext) {
        KinesisConfig cfg = config;
        return new KinesisSourceReader(
                () -> new KinesisShardSplitReader(cfg, KinesisClientFactory.create(cfg), readerContext.metricGroup()),
                new KinesisRecordEmitter(),
                new Configuration(),
                readerContext,
                !checkpointing,
                System::currentTimeMillis);
    }

    @Override
    public SplitEnumerator<KinesisShardSplit, KinesisEnumeratorState> createEnumerator(
            SplitEnumeratorContext<KinesisShardSplit> enumContext) {
        return restoreEnumerator(enumContext, new KinesisEnumeratorState(Set.of(), List.of()));
    }

    @Override
    public SplitEnumerator<KinesisShardSplit, KinesisEnumeratorState> restoreEnumerator(
            SplitEnumeratorContext<KinesisShardSplit> enumContext, KinesisEnumeratorState checkpoint) {
        KinesisConfig cfg = config;
        return new KinesisShardEnumerator(
                enumContext, cfg, () -> KinesisClientFactory.create(cfg), checkpoint, !checkpointing);
    }

    @Override
    public SimpleVersionedSerializer<KinesisShardSplit> getSplitSerializer() {
        return new KinesisShardSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<KinesisEnumeratorState> getEnumeratorCheckpointSerializer() {
        return new KinesisEnumeratorStateSerializer();
    }
}

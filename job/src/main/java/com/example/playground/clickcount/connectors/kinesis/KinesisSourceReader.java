package com.example.playground.clickcount.connectors.kinesis;

import com.example.playground.clickcount.records.InputLine;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.RecordEmitter;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import software.amazon.awssdk.services.kinesis.model.Record;

/** Reads the assigned shards in one fetcher thread and emits record payloads as input lines. */
final class KinesisSourceReader
        extends SingleThreadMultiplexSourceReaderBase<Record, InputLine, KinesisShardSplit, KinesisShardSplitState> {

    KinesisSourceReader(
            Supplier<SplitReader<Record, KinesisShardSplit>> splitReaderSupplier,
            RecordEmitter<Record, InputLine, KinesisShardSplitState> emitter,
            Configuration config,
            SourceReaderContext context) {
        super(splitReaderSupplier, emitter, config, context);
    }

    @Override
    protected void onSplitFinished(Map<String, KinesisShardSplitState> finishedSplitIds) {
        // a closed shard stays assigned in the enumerator and is never read again
    }

    @Override
    protected KinesisShardSplitState initializedState(KinesisShardSplit split) {
        return new KinesisShardSplitState(split);
    }

    @Override
    protected KinesisShardSplit toSplitType(String splitId, KinesisShardSplitState splitState) {
        return splitState.toSplit();
    }
}

package com.example.playground.clickcount.connectors.kinesis;

import com.example.playground.clickcount.records.InputLine;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.RecordEmitter;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.core.io.InputStatus;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * Reads the assigned shards in one fetcher thread and emits record payloads as input lines.
 *
 * <p>With {@code reportPositions} (checkpointing off) it sends its shards' positions to the
 * enumerator at most every {@link #POSITION_REPORT_INTERVAL_MILLIS} while it emits records — the
 * Kinesis counterpart of the Kafka consumer's auto-commit, so that a restart without a checkpoint
 * resumes there rather than at the initial position.
 */
final class KinesisSourceReader
        extends SingleThreadMultiplexSourceReaderBase<Record, InputLine, KinesisShardSplit, KinesisShardSplitState> {

    /** As the Kafka consumer's default {@code auto.commit.interval.ms}. */
    static final long POSITION_REPORT_INTERVAL_MILLIS = 5_000;

    private final SourceReaderContext readerContext;
    private final boolean reportPositions;
    private final LongSupplier clock;
    private long lastReportMillis;
    private Map<String, String> lastReported = Map.of();

    KinesisSourceReader(
            Supplier<SplitReader<Record, KinesisShardSplit>> splitReaderSupplier,
            RecordEmitter<Record, InputLine, KinesisShardSplitState> emitter,
            Configuration config,
            SourceReaderContext context,
            boolean reportPositions,
            LongSupplier clock) {
        super(splitReaderSupplier, emitter, config, context);
        this.readerContext = context;
        this.reportPositions = reportPositions;
        this.clock = clock;
        this.lastReportMillis = clock.getAsLong();
    }

    @Override
    public InputStatus pollNext(ReaderOutput<InputLine> output) throws Exception {
        InputStatus status = super.pollNext(output);
        if (reportPositions && clock.getAsLong() - lastReportMillis >= POSITION_REPORT_INTERVAL_MILLIS) {
            reportPositions();
        }
        return status;
    }

    /** Sends the positions of the shards that emitted a record, if they moved since the last report. */
    void reportPositions() {
        lastReportMillis = clock.getAsLong();
        Map<String, String> positions = new HashMap<>();
        for (KinesisShardSplit split : snapshotState(-1L)) {
            if (split.lastSequenceNumber() != null) {
                positions.put(split.shardId(), split.lastSequenceNumber());
            }
        }
        if (!positions.isEmpty() && !positions.equals(lastReported)) {
            readerContext.sendSourceEventToCoordinator(new KinesisShardPositions(positions));
            lastReported = positions;
        }
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

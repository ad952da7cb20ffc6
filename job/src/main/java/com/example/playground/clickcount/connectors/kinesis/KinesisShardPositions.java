package com.example.playground.clickcount.connectors.kinesis;

import java.util.Map;
import org.apache.flink.api.connector.source.SourceEvent;

/**
 * A reader's shard positions (shard id → sequence number of the last record emitted), sent to the
 * enumerator every {@link KinesisSourceReader#POSITION_REPORT_INTERVAL_MILLIS} when checkpointing is
 * off: Kinesis has no consumer groups, so the enumerator in the JobManager plays the part that the
 * group's committed offsets play for the Kafka source.
 *
 * @param lastSequenceNumbers positions of the shards that emitted a record
 */
record KinesisShardPositions(Map<String, String> lastSequenceNumbers) implements SourceEvent {

    private static final long serialVersionUID = 1L;

    KinesisShardPositions {
        lastSequenceNumbers = Map.copyOf(lastSequenceNumbers);
    }
}

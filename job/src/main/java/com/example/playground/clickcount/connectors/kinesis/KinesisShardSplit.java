package com.example.playground.clickcount.connectors.kinesis;

import java.util.Objects;
import org.apache.flink.api.connector.source.SourceSplit;

/**
 * One shard of the input stream, with the sequence number of the last record emitted from it
 * ({@code null}: nothing emitted yet, start at the configured initial position).
 */
public final class KinesisShardSplit implements SourceSplit {

    private final String shardId;
    private final String lastSequenceNumber;

    public KinesisShardSplit(String shardId, String lastSequenceNumber) {
        this.shardId = Objects.requireNonNull(shardId);
        this.lastSequenceNumber = lastSequenceNumber;
    }

    @Override
    public String splitId() {
        return shardId;
    }

    public String shardId() {
        return shardId;
    }

    public String lastSequenceNumber() {
        return lastSequenceNumber;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KinesisShardSplit other
                && shardId.equals(other.shardId)
                && Objects.equals(lastSequenceNumber, other.lastSequenceNumber);
    }

    @Override
    public int hashCode() {
        return Objects.hash(shardId, lastSequenceNumber);
    }

    @Override
    public String toString() {
        return "KinesisShardSplit{" + shardId + " after " + lastSequenceNumber + "}";
    }
}

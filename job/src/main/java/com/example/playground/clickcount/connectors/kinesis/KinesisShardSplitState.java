package com.example.playground.clickcount.connectors.kinesis;

/** Mutable progress of a split inside the reader. */
final class KinesisShardSplitState {

    private final String shardId;
    private String lastSequenceNumber;

    KinesisShardSplitState(KinesisShardSplit split) {
        this.shardId = split.shardId();
        this.lastSequenceNumber = split.lastSequenceNumber();
    }

    void emitted(String sequenceNumber) {
        this.lastSequenceNumber = sequenceNumber;
    }

    KinesisShardSplit toSplit() {
        return new KinesisShardSplit(shardId, lastSequenceNumber);
    }
}

package com.example.playground.clickcount.connectors.kinesis;

import com.example.playground.clickcount.config.KinesisConfig;

/** Builds the Kinesis Data Streams source and sink from the {@code Kinesis} property group. */
public final class KinesisConnectors {

    private KinesisConnectors() {}

    /** @param checkpointing whether the job checkpoints (see {@link KinesisShardSource}) */
    public static KinesisShardSource source(KinesisConfig config, boolean checkpointing) {
        return new KinesisShardSource(config, checkpointing);
    }

    public static KinesisStatisticsSink sink(KinesisConfig config) {
        return new KinesisStatisticsSink(config);
    }
}

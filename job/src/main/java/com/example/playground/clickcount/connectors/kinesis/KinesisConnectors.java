package com.example.playground.clickcount.connectors.kinesis;

import com.example.playground.clickcount.config.KinesisConfig;

/** Builds the Kinesis Data Streams source and sink from the {@code Kinesis} property group. */
public final class KinesisConnectors {

    private KinesisConnectors() {}

    public static KinesisShardSource source(KinesisConfig config) {
        return new KinesisShardSource(config);
    }

    public static KinesisStatisticsSink sink(KinesisConfig config) {
        return new KinesisStatisticsSink(config);
    }
}

package com.example.playground.clickcount.connectors.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KinesisSerializersTest {

    @Test
    void splitRoundTripsWithAndWithoutSequenceNumber() throws Exception {
        KinesisShardSplitSerializer serializer = new KinesisShardSplitSerializer();
        for (KinesisShardSplit split : List.of(
                new KinesisShardSplit("shardId-000000000001", null),
                new KinesisShardSplit("shardId-000000000002", "49590338271490256608559692538361571095921575989136588898"))) {
            assertThat(serializer.deserialize(serializer.getVersion(), serializer.serialize(split))).isEqualTo(split);
        }
    }

    @Test
    void enumeratorStateRoundTrips() throws Exception {
        KinesisEnumeratorStateSerializer serializer = new KinesisEnumeratorStateSerializer();
        KinesisEnumeratorState state = new KinesisEnumeratorState(
                Set.of("shardId-000000000000", "shardId-000000000001"),
                List.of(new KinesisShardSplit("shardId-000000000002", "123")));
        assertThat(serializer.deserialize(serializer.getVersion(), serializer.serialize(state))).isEqualTo(state);
    }
}

package com.example.playground.clickcount.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.playground.clickcount.config.InvalidConfigurationException;
import com.example.playground.clickcount.config.KafkaConfig;
import com.example.playground.clickcount.config.KafkaConfig.Auth;
import com.example.playground.clickcount.config.KafkaConfig.DeliveryGuarantee;
import com.example.playground.clickcount.config.KafkaConfig.StartingOffsets;
import java.util.Properties;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.junit.jupiter.api.Test;

/** How the Kafka source keeps its position with and without checkpointing, and what the sink refuses. */
class KafkaConnectorsTest {

    private static KafkaConfig config(StartingOffsets startingOffsets, DeliveryGuarantee guarantee) {
        return new KafkaConfig("localhost:9092", "input", "output", "click-count-job", startingOffsets, Auth.NONE,
                guarantee, "click-count-job");
    }

    @Test
    void withCheckpointingOffsetsAreCommittedOnCheckpointsOnly() {
        Properties properties = KafkaConnectors.sourceProperties(config(StartingOffsets.EARLIEST, DeliveryGuarantee.AT_LEAST_ONCE), true);

        assertThat(properties.getProperty("commit.offsets.on.checkpoint")).isEqualTo("true");
        assertThat(properties).doesNotContainKey("enable.auto.commit");
    }

    @Test
    void withoutCheckpointingTheConsumerAutoCommitsEveryFiveSeconds() {
        Properties properties = KafkaConnectors.sourceProperties(config(StartingOffsets.EARLIEST, DeliveryGuarantee.AT_LEAST_ONCE), false);

        assertThat(properties.getProperty("enable.auto.commit")).isEqualTo("true");
        assertThat(properties.getProperty("auto.commit.interval.ms")).isEqualTo("5000");
        assertThat(properties.getProperty("commit.offsets.on.checkpoint")).isEqualTo("false");
    }

    @Test
    void withoutCheckpointingAStartBeginsAtTheCommittedOffsetsAndStartingOffsetsOnlyWhereNoneIs() {
        assertThat(KafkaConnectors.resetStrategy(StartingOffsets.EARLIEST)).isEqualTo(OffsetResetStrategy.EARLIEST);
        assertThat(KafkaConnectors.resetStrategy(StartingOffsets.COMMITTED)).isEqualTo(OffsetResetStrategy.EARLIEST);
        assertThat(KafkaConnectors.resetStrategy(StartingOffsets.LATEST)).isEqualTo(OffsetResetStrategy.LATEST);
        // builds (the builder checks that a group id is set for committed offsets and auto-commit)
        assertThat(KafkaConnectors.source(config(StartingOffsets.EARLIEST, DeliveryGuarantee.AT_LEAST_ONCE), false)).isNotNull();
        assertThat(KafkaConnectors.source(config(StartingOffsets.EARLIEST, DeliveryGuarantee.AT_LEAST_ONCE), true)).isNotNull();
    }

    @Test
    void anExactlyOnceSinkWithoutCheckpointingIsRefusedWithTheReason() {
        assertThatThrownBy(() -> KafkaConnectors.sink(config(StartingOffsets.EARLIEST, DeliveryGuarantee.EXACTLY_ONCE), false))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("Kafka.delivery.guarantee=EXACTLY_ONCE needs checkpointing");
        assertThat(KafkaConnectors.sink(config(StartingOffsets.EARLIEST, DeliveryGuarantee.AT_LEAST_ONCE), false)).isNotNull();
        assertThat(KafkaConnectors.sink(config(StartingOffsets.EARLIEST, DeliveryGuarantee.EXACTLY_ONCE), true)).isNotNull();
    }
}

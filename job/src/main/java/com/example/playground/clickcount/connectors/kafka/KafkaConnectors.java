package com.example.playground.clickcount.connectors.kafka;

import com.example.playground.clickcount.config.KafkaConfig;
import com.example.playground.clickcount.records.ClickEventStatistics;
import com.example.playground.clickcount.records.ClickEventStatisticsSerializationSchema;
import com.example.playground.clickcount.records.InputLine;
import com.example.playground.clickcount.records.InputLineSchema;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** Builds the Kafka (or Amazon MSK) source and sink from the {@code Kafka} property group. */
public final class KafkaConnectors {

    /** Kafka's upper bound for transactions on a default broker (transaction.max.timeout.ms). */
    static final String TRANSACTION_TIMEOUT_MS = "900000";

    private KafkaConnectors() {}

    public static KafkaSource<InputLine> source(KafkaConfig config) {
        return KafkaSource.<InputLine>builder()
                .setBootstrapServers(config.bootstrapServers())
                .setTopics(config.inputTopic())
                .setGroupId(config.groupId())
                .setStartingOffsets(startingOffsets(config.startingOffsets()))
                .setValueOnlyDeserializer(new InputLineSchema())
                .setProperties(clientProperties(config))
                // offsets are committed on checkpoints for monitoring; Flink's state is the truth
                .setProperty("commit.offsets.on.checkpoint", "true")
                .build();
    }

    public static KafkaSink<ClickEventStatistics> sink(KafkaConfig config) {
        Properties producer = clientProperties(config);
        DeliveryGuarantee guarantee = DeliveryGuarantee.valueOf(config.deliveryGuarantee().name());
        if (guarantee == DeliveryGuarantee.EXACTLY_ONCE) {
            producer.setProperty("transaction.timeout.ms", TRANSACTION_TIMEOUT_MS);
        }
        return KafkaSink.<ClickEventStatistics>builder()
                .setBootstrapServers(config.bootstrapServers())
                .setKafkaProducerConfig(producer)
                .setRecordSerializer(KafkaRecordSerializationSchema.<ClickEventStatistics>builder()
                        .setTopic(config.outputTopic())
                        .setKeySerializationSchema(new PageKeySchema())
                        .setValueSerializationSchema(new ClickEventStatisticsSerializationSchema())
                        .build())
                .setDeliveryGuarantee(guarantee)
                .setTransactionalIdPrefix(config.transactionalIdPrefix())
                .build();
    }

    static OffsetsInitializer startingOffsets(KafkaConfig.StartingOffsets startingOffsets) {
        switch (startingOffsets) {
            case LATEST:
                return OffsetsInitializer.latest();
            case COMMITTED:
                return OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
            case EARLIEST:
            default:
                return OffsetsInitializer.earliest();
        }
    }

    /** Client properties shared by consumer and producer: authentication for Amazon MSK. */
    static Properties clientProperties(KafkaConfig config) {
        Properties properties = new Properties();
        if (config.auth() == KafkaConfig.Auth.IAM) {
            properties.setProperty("security.protocol", "SASL_SSL");
            properties.setProperty("sasl.mechanism", "AWS_MSK_IAM");
            properties.setProperty("sasl.jaas.config", "software.amazon.msk.auth.iam.IAMLoginModule required;");
            properties.setProperty(
                    "sasl.client.callback.handler.class", "software.amazon.msk.auth.iam.IAMClientCallbackHandler");
        }
        return properties;
    }

    /** The record key is the page, so all results of one page land in one partition, in order. */
    static final class PageKeySchema implements SerializationSchema<ClickEventStatistics> {

        private static final long serialVersionUID = 1L;

        @Override
        public byte[] serialize(ClickEventStatistics element) {
            return element.getPage().getBytes(StandardCharsets.UTF_8);
        }
    }
}

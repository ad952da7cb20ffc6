package com.example.playground.clickcount.connectors.kafka;

import com.example.playground.clickcount.config.InvalidConfigurationException;
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

    /**
     * How often the consumer commits its position when checkpointing is off (Kafka's default
     * {@code auto.commit.interval.ms}, written out so that the README's figure is the job's).
     */
    static final String AUTO_COMMIT_INTERVAL_MS = "5000";

    /** Kafka's upper bound for transactions on a default broker (transaction.max.timeout.ms). */
    static final String TRANSACTION_TIMEOUT_MS = "900000";

    private KafkaConnectors() {}

    /**
     * The source. With checkpointing, the positions are Flink's state and offsets are committed on
     * checkpoints only for monitoring. Without it (the {@code --no-checkpointing} variant) the
     * consumer auto-commits its position every 5 s and every start or restart without state begins at
     * the group's committed offsets ({@code starting.offsets} only where none is committed), as the
     * original playground's FlinkKafkaConsumer did: after a failure the job resumes near where it was,
     * and what the open windows had counted is lost.
     */
    public static KafkaSource<InputLine> source(KafkaConfig config, boolean checkpointing) {
        return KafkaSource.<InputLine>builder()
                .setBootstrapServers(config.bootstrapServers())
                .setTopics(config.inputTopic())
                .setGroupId(config.groupId())
                .setStartingOffsets(checkpointing
                        ? startingOffsets(config.startingOffsets())
                        : OffsetsInitializer.committedOffsets(resetStrategy(config.startingOffsets())))
                .setValueOnlyDeserializer(new InputLineSchema())
                .setProperties(sourceProperties(config, checkpointing))
                .build();
    }

    /** The consumer's properties: authentication plus how offsets are committed (see {@link #source}). */
    static Properties sourceProperties(KafkaConfig config, boolean checkpointing) {
        Properties properties = clientProperties(config);
        properties.setProperty("commit.offsets.on.checkpoint", String.valueOf(checkpointing));
        if (!checkpointing) {
            properties.setProperty("enable.auto.commit", "true");
            properties.setProperty("auto.commit.interval.ms", AUTO_COMMIT_INTERVAL_MS);
        }
        return properties;
    }

    /**
     * The sink. {@code EXACTLY_ONCE} commits its transactions on checkpoints, so without checkpointing
     * no result would ever become visible: that combination is refused at start.
     *
     * @throws InvalidConfigurationException for {@code EXACTLY_ONCE} without checkpointing
     */
    public static KafkaSink<ClickEventStatistics> sink(KafkaConfig config, boolean checkpointing) {
        Properties producer = clientProperties(config);
        DeliveryGuarantee guarantee = DeliveryGuarantee.valueOf(config.deliveryGuarantee().name());
        if (guarantee == DeliveryGuarantee.EXACTLY_ONCE && !checkpointing) {
            throw new InvalidConfigurationException("Kafka.delivery.guarantee=EXACTLY_ONCE needs checkpointing: the sink"
                    + " commits its transactions on checkpoints, so without them no result would ever be visible;"
                    + " use AT_LEAST_ONCE (the default) or enable checkpointing");
        }
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

    static OffsetResetStrategy resetStrategy(KafkaConfig.StartingOffsets startingOffsets) {
        return startingOffsets == KafkaConfig.StartingOffsets.LATEST ? OffsetResetStrategy.LATEST : OffsetResetStrategy.EARLIEST;
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

package com.example.playground.clickcount.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

class JobConfigTest {

    private static final String IN = "arn:aws:kinesis:eu-west-1:123456789012:stream/clicks-in";
    private static final String OUT = "arn:aws:kinesis:eu-west-1:123456789012:stream/clicks-out";

    private final Map<String, Properties> groups = new HashMap<>();

    private void put(String group, String key, String value) {
        groups.computeIfAbsent(group, g -> new Properties()).setProperty(key, value);
    }

    @Test
    void kafkaDefaults() {
        put("ClickCountJob", "streams", "kafka");
        put("Kafka", "bootstrap.servers", "localhost:9092");

        JobConfig config = JobConfig.parse(groups);

        assertThat(config.streams()).isEqualTo(StreamsKind.KAFKA);
        assertThat(config.eventTime()).isTrue();
        assertThat(config.backpressure()).isFalse();
        assertThat(config.faultInjection()).isTrue();
        assertThat(config.maxFutureSkew()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.kinesisConfig()).isEmpty();
        assertThat(config.kafka()).isEqualTo(new KafkaConfig("localhost:9092", "input", "output", "click-count-job",
                KafkaConfig.StartingOffsets.EARLIEST, KafkaConfig.Auth.NONE,
                KafkaConfig.DeliveryGuarantee.AT_LEAST_ONCE, "click-count-job"));
    }

    @Test
    void kafkaOverrides() {
        put("ClickCountJob", "streams", "KAFKA");
        put("ClickCountJob", "event-time", "false");
        put("ClickCountJob", "backpressure", "TRUE");
        put("ClickCountJob", "fault-injection", "false");
        put("Kafka", "bootstrap.servers", "b-1.msk:9098");
        put("Kafka", "auth", "iam");
        put("Kafka", "starting.offsets", "committed");
        put("Kafka", "delivery.guarantee", "exactly_once");
        put("Kafka", "input.topic", "clicks");

        JobConfig config = JobConfig.parse(groups);

        assertThat(config.eventTime()).isFalse();
        assertThat(config.backpressure()).isTrue();
        assertThat(config.faultInjection()).isFalse();
        assertThat(config.kafka().auth()).isEqualTo(KafkaConfig.Auth.IAM);
        assertThat(config.kafka().startingOffsets()).isEqualTo(KafkaConfig.StartingOffsets.COMMITTED);
        assertThat(config.kafka().deliveryGuarantee()).isEqualTo(KafkaConfig.DeliveryGuarantee.EXACTLY_ONCE);
        assertThat(config.kafka().inputTopic()).isEqualTo("clicks");
    }

    @Test
    void kinesisDefaultsAndEmulatorSwitches() {
        put("ClickCountJob", "streams", "kinesis");
        put("Kinesis", "aws.region", "eu-west-1");
        put("Kinesis", "input.stream.arn", IN);
        put("Kinesis", "output.stream.arn", OUT);

        KinesisConfig defaults = JobConfig.parse(groups).kinesis();
        assertThat(defaults.initialPosition()).isEqualTo(KinesisConfig.InitialPosition.TRIM_HORIZON);
        assertThat(defaults.endpointOverride()).isEmpty();
        assertThat(defaults.trustAllCertificates()).isFalse();
        assertThat(defaults.httpProtocol()).isEqualTo(KinesisConfig.HttpProtocol.HTTP2);
        assertThat(defaults.cborEnabled()).isTrue();

        put("Kinesis", "aws.endpoint", "https://localhost:4567");
        put("Kinesis", "aws.trust.all.certificates", "true");
        put("Kinesis", "aws.http.protocol.version", "HTTP1_1");
        put("Kinesis", "aws.cbor.enabled", "false");
        put("Kinesis", "initial.position", "AT_TIMESTAMP");
        put("Kinesis", "initial.timestamp", "2026-11-22T21:30:00.000Z");
        KinesisConfig emulator = JobConfig.parse(groups).kinesis();
        assertThat(emulator.endpoint()).isEqualTo(URI.create("https://localhost:4567"));
        assertThat(emulator.trustAllCertificates()).isTrue();
        assertThat(emulator.httpProtocol()).isEqualTo(KinesisConfig.HttpProtocol.HTTP1_1);
        assertThat(emulator.cborEnabled()).isFalse();
        assertThat(emulator.initialTimestamp()).isEqualTo(1795383000000L);
    }

    @Test
    void streamsIsRequired() {
        assertThatThrownBy(() -> JobConfig.parse(groups))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("ClickCountJob.streams is required (kinesis or kafka)");
    }

    @Test
    void rejectsUnknownStreams() {
        put("ClickCountJob", "streams", "pulsar");
        assertThatThrownBy(() -> JobConfig.parse(groups))
                .hasMessage("ClickCountJob.streams must be one of [KINESIS, KAFKA], got 'pulsar'");
    }

    @Test
    void namesMissingKinesisOutputStream() {
        put("ClickCountJob", "streams", "kinesis");
        put("Kinesis", "aws.region", "eu-west-1");
        put("Kinesis", "input.stream.arn", IN);
        assertThatThrownBy(() -> JobConfig.parse(groups))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("Kinesis.output.stream.arn is required when ClickCountJob.streams=kinesis");
    }

    @Test
    void namesMissingKinesisGroupKeys() {
        put("ClickCountJob", "streams", "kinesis");
        assertThatThrownBy(() -> JobConfig.parse(groups))
                .hasMessage("Kinesis.aws.region is required when ClickCountJob.streams=kinesis");
    }

    @Test
    void rejectsMalformedStreamArn() {
        put("ClickCountJob", "streams", "kinesis");
        put("Kinesis", "aws.region", "eu-west-1");
        put("Kinesis", "input.stream.arn", "clicks-in");
        assertThatThrownBy(() -> JobConfig.parse(groups))
                .hasMessageStartingWith("Kinesis.input.stream.arn must be a Kinesis stream ARN");
    }

    @Test
    void atTimestampNeedsTimestamp() {
        put("ClickCountJob", "streams", "kinesis");
        put("Kinesis", "aws.region", "eu-west-1");
        put("Kinesis", "input.stream.arn", IN);
        put("Kinesis", "output.stream.arn", OUT);
        put("Kinesis", "initial.position", "AT_TIMESTAMP");
        assertThatThrownBy(() -> JobConfig.parse(groups))
                .hasMessage("Kinesis.initial.timestamp is required when Kinesis.initial.position=AT_TIMESTAMP");
    }

    @Test
    void namesMissingKafkaBootstrapServers() {
        put("ClickCountJob", "streams", "kafka");
        assertThatThrownBy(() -> JobConfig.parse(groups))
                .hasMessage("Kafka.bootstrap.servers is required when ClickCountJob.streams=kafka");
    }

    @Test
    void rejectsInvalidBooleansAndEnums() {
        put("ClickCountJob", "streams", "kafka");
        put("Kafka", "bootstrap.servers", "localhost:9092");
        put("ClickCountJob", "event-time", "yes");
        assertThatThrownBy(() -> JobConfig.parse(groups))
                .hasMessage("ClickCountJob.event-time must be true or false, got 'yes'");

        put("ClickCountJob", "event-time", "true");
        put("Kafka", "delivery.guarantee", "twice");
        assertThatThrownBy(() -> JobConfig.parse(groups))
                .hasMessage("Kafka.delivery.guarantee must be one of [AT_LEAST_ONCE, EXACTLY_ONCE, NONE], got 'twice'");

        groups.get("Kafka").remove("delivery.guarantee");
        put("Kafka", "auth", "sasl");
        assertThatThrownBy(() -> JobConfig.parse(groups))
                .hasMessage("Kafka.auth must be one of [NONE, IAM], got 'sasl'");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "90 s|90000",
        "90s|90000",
        "500 ms|500",
        "2 min|120000",
        "120000|120000",
        "10 min|600000",
        "PT30S|30000",
    })
    void readsMaxFutureSkewAsDurationOrMilliseconds(String value, long millis) {
        put("ClickCountJob", "streams", "kafka");
        put("Kafka", "bootstrap.servers", "localhost:9092");
        put("ClickCountJob", "max-future-skew", value);

        assertThat(JobConfig.parse(groups).maxFutureSkew()).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"soon", "-5 s", "1.5 s", "60 parsecs"})
    void rejectsMaxFutureSkewThatIsNoDuration(String value) {
        put("ClickCountJob", "streams", "kafka");
        put("Kafka", "bootstrap.servers", "localhost:9092");
        put("ClickCountJob", "max-future-skew", value);

        assertThatThrownBy(() -> JobConfig.parse(groups))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessage("ClickCountJob.max-future-skew must be a duration such as 60 s, 500 ms or 2 min, got '"
                        + value + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "0 s", "500 ns", "601 s", "1 h", "1 d"})
    void rejectsMaxFutureSkewThatIsZeroOrBeyondTenMinutes(String value) {
        put("ClickCountJob", "streams", "kafka");
        put("Kafka", "bootstrap.servers", "localhost:9092");
        put("ClickCountJob", "max-future-skew", value);

        assertThatThrownBy(() -> JobConfig.parse(groups))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageStartingWith("ClickCountJob.max-future-skew must be at least 1 ms and at most 10 min")
                .hasMessageContaining("Kafka brokers reject timestamps more than 1 h ahead")
                .hasMessageEndingWith("got '" + value + "'");
    }

    @Test
    void rejectsInvalidEndpoint() {
        put("ClickCountJob", "streams", "kinesis");
        put("Kinesis", "aws.region", "eu-west-1");
        put("Kinesis", "input.stream.arn", IN);
        put("Kinesis", "output.stream.arn", OUT);
        put("Kinesis", "aws.endpoint", "localhost");
        assertThatThrownBy(() -> JobConfig.parse(groups))
                .hasMessageStartingWith("Kinesis.aws.endpoint must be a URL");
    }

    @Test
    void readsMsfFormatFileGivenWithConfigArgument(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("application-properties.json");
        Files.writeString(file, "[{\"PropertyGroupId\":\"ClickCountJob\",\"PropertyMap\":{\"streams\":\"kafka\","
                + "\"backpressure\":\"true\"}},{\"PropertyGroupId\":\"Kafka\",\"PropertyMap\":"
                + "{\"bootstrap.servers\":\"localhost:9092\",\"output.topic\":\"stats\"}}]");

        JobConfig config = JobConfig.parse(
                com.example.playground.clickcount.ApplicationPropertiesAccess.load("--config", file.toString()));

        assertThat(config.backpressure()).isTrue();
        assertThat(config.kafka().outputTopic()).isEqualTo("stats");
    }

    @Test
    void missingConfigFileIsAClearError(@TempDir Path dir) {
        String missing = dir.resolve("nope.json").toString();
        assertThatThrownBy(() -> com.example.playground.clickcount.ApplicationPropertiesAccess.load("--config", missing))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining(missing);
    }
}

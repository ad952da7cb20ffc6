package com.example.playground.clickcount.connectors.kinesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.example.playground.clickcount.config.KinesisConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.testutils.MetricListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * The split reader against a scripted Kinesis client: throttling, expired iterators, closed shards,
 * and the per-shard lag gauge.
 */
class KinesisShardSplitReaderTest {

    private static final String STREAM_ARN = "arn:aws:kinesis:us-east-1:000000000000:stream/input";
    private static final String SHARD = "shardId-000000000000";
    private static final String CHILD_1 = "shardId-000000000001";
    private static final String CHILD_2 = "shardId-000000000002";

    private final StubKinesisClient client = new StubKinesisClient();
    private final MetricListener metrics = new MetricListener();
    private final KinesisShardSplitReader reader = new KinesisShardSplitReader(config(), client, metrics.getMetricGroup());
    /** Sequence numbers handed on per split, over all fetches, in order. */
    private final Map<String, List<String>> handedOn = new LinkedHashMap<>();

    static KinesisConfig config() {
        return new KinesisConfig("us-east-1", STREAM_ARN, STREAM_ARN + "-out",
                KinesisConfig.InitialPosition.TRIM_HORIZON, null, null, false, KinesisConfig.HttpProtocol.HTTP1_1, true);
    }

    private static String start(String shardId) {
        return shardId + "/TRIM_HORIZON";
    }

    @AfterEach
    void close() {
        reader.close();
        assertThat(client.closed).isTrue();
    }

    private void assign(KinesisShardSplit... splits) {
        reader.handleSplitsChanges(new SplitsAddition<>(List.of(splits)));
    }

    /** One fetch: the sequence numbers it returned per split, and the splits it finished. */
    private record Fetched(Map<String, List<String>> records, Set<String> finished) {}

    private Fetched fetch() {
        RecordsWithSplitIds<Record> batch = reader.fetch();
        Map<String, List<String>> records = new LinkedHashMap<>();
        String split;
        while ((split = batch.nextSplit()) != null) {
            Record record;
            while ((record = batch.nextRecordFromSplit()) != null) {
                records.computeIfAbsent(split, k -> new ArrayList<>()).add(record.sequenceNumber());
                handedOn.computeIfAbsent(split, k -> new ArrayList<>()).add(record.sequenceNumber());
            }
        }
        Fetched fetched = new Fetched(records, Set.copyOf(batch.finishedSplits()));
        batch.recycle();
        return fetched;
    }

    @Test
    void throttledGetRecordsBacksOffAndRetriesTheSameIteratorWithoutLosingOrRepeatingRecords() {
        client.records(start(SHARD), "it-1", "1", "2")
                .fails("it-1", ProvisionedThroughputExceededException.builder().message("Rate exceeded for shard").build())
                .records("it-1", "it-2", "3");
        assign(new KinesisShardSplit(SHARD, null));

        Fetched first = fetch();
        Fetched throttled = fetch();
        Fetched retried = fetch();

        assertThat(first.records()).isEqualTo(Map.of(SHARD, List.of("1", "2")));
        assertThat(throttled.records()).isEmpty();
        assertThat(throttled.finished()).isEmpty();
        assertThat(retried.records()).isEqualTo(Map.of(SHARD, List.of("3")));
        assertThat(handedOn).isEqualTo(Map.of(SHARD, List.of("1", "2", "3")));
        // the throttled iterator is still valid: asked again, not replaced by a new one
        assertThat(client.iteratorsRead()).containsExactly(start(SHARD), "it-1", "it-1");
        assertThat(client.iteratorRequests).hasSize(1);
        long pause = client.getRecordsCalls.get(2).atMillis() - client.getRecordsCalls.get(1).atMillis();
        assertThat(pause).isGreaterThanOrEqualTo(KinesisShardSplitReader.THROTTLE_BACKOFF_MILLIS);
        assertThat(reader.positions()).isEqualTo(Map.of(SHARD, "3"));
    }

    @Test
    void expiredIteratorIsFetchedAgainAfterTheSequenceNumberOfTheLastRecordHandedOn() {
        client.records(start(SHARD), "it-1", "1", "2")
                .fails("it-1", ExpiredIteratorException.builder().message("Iterator expired").build())
                .records(SHARD + "/AFTER_SEQUENCE_NUMBER/2", "it-3", "3");
        assign(new KinesisShardSplit(SHARD, null));

        Fetched first = fetch();
        Fetched expired = fetch();
        Fetched resumed = fetch();

        assertThat(first.records()).isEqualTo(Map.of(SHARD, List.of("1", "2")));
        assertThat(expired.records()).isEmpty();
        assertThat(resumed.records()).isEqualTo(Map.of(SHARD, List.of("3")));
        assertThat(handedOn).isEqualTo(Map.of(SHARD, List.of("1", "2", "3")));
        assertThat(client.iteratorRequests).hasSize(2);
        GetShardIteratorRequest again = client.iteratorRequests.get(1);
        assertThat(again.streamARN()).isEqualTo(STREAM_ARN);
        assertThat(again.shardId()).isEqualTo(SHARD);
        assertThat(again.shardIteratorType()).isEqualTo(ShardIteratorType.AFTER_SEQUENCE_NUMBER);
        assertThat(again.startingSequenceNumber()).isEqualTo("2");
        assertThat(client.iteratorsRead()).containsExactly(start(SHARD), "it-1", SHARD + "/AFTER_SEQUENCE_NUMBER/2");
    }

    @Test
    void expiredIteratorOfARestoredSplitWithNothingNewResumesAfterItsCheckpointedSequenceNumber() {
        client.records(SHARD + "/AFTER_SEQUENCE_NUMBER/41", "it-1")
                .fails("it-1", ExpiredIteratorException.builder().message("Iterator expired").build())
                .records(SHARD + "/AFTER_SEQUENCE_NUMBER/41", "it-2", "42");
        assign(new KinesisShardSplit(SHARD, "41"));

        fetch();
        fetch();
        fetch();

        assertThat(handedOn).isEqualTo(Map.of(SHARD, List.of("42")));
        assertThat(client.iteratorRequests)
                .extracting(GetShardIteratorRequest::shardIteratorType, GetShardIteratorRequest::startingSequenceNumber)
                .containsExactly(
                        tuple(ShardIteratorType.AFTER_SEQUENCE_NUMBER, "41"),
                        tuple(ShardIteratorType.AFTER_SEQUENCE_NUMBER, "41"));
    }

    @Test
    void closedShardFinishesItsSplitIsNotReadAgainAndItsChildrenAreReadFromTheirStart() {
        client.records(start(SHARD), null, "1", "2")
                .records(start(CHILD_1), "c1-next", "10")
                .records(start(CHILD_2), "c2-next", "20");
        assign(new KinesisShardSplit(SHARD, null));

        Fetched last = fetch();

        assertThat(last.records()).isEqualTo(Map.of(SHARD, List.of("1", "2")));
        assertThat(last.finished()).containsExactly(SHARD);
        assertThat(reader.positions()).isEmpty();
        assertThat(fetch().records()).isEmpty();
        assertThat(client.getRecordsCalls).hasSize(1);

        // the enumerator's next discovery assigns the children as new shards (no position yet)
        assign(new KinesisShardSplit(CHILD_1, null), new KinesisShardSplit(CHILD_2, null));
        fetch();
        fetch();

        assertThat(handedOn).isEqualTo(Map.of(SHARD, List.of("1", "2"), CHILD_1, List.of("10"), CHILD_2, List.of("20")));
        assertThat(client.iteratorsRead()).containsExactly(start(SHARD), start(CHILD_1), start(CHILD_2));
        assertThat(reader.positions()).isEqualTo(Map.of(CHILD_1, "10", CHILD_2, "20"));
    }

    /** The shard's gauge under the official source's identifier, if registered. */
    private Optional<Gauge<Long>> millisBehindLatest(String shardId) {
        return metrics.getGauge(
                "KinesisStreamSource", "accountId", "000000000000", "region", "us-east-1",
                "stream", "input", "shardId", shardId, "millisBehindLatest");
    }

    @Test
    void eachShardReportsTheMillisBehindLatestOfItsLastGetRecordsUnderTheOfficialSourcesMetricName() {
        client.records(start(SHARD), "it-1", 12_000L, "1", "2")
                .records(start(CHILD_1), "c1-1", 500L, "10")
                .records("it-1", "it-2", 0L, "3");
        assign(new KinesisShardSplit(SHARD, null), new KinesisShardSplit(CHILD_1, null));

        // registered at assignment, -1 until the shard's first answer (as the official gauge)
        assertThat(millisBehindLatest(SHARD)).hasValueSatisfying(gauge -> assertThat(gauge.getValue()).isEqualTo(-1L));
        fetch();
        fetch();

        assertThat(millisBehindLatest(SHARD)).hasValueSatisfying(gauge -> assertThat(gauge.getValue()).isEqualTo(12_000L));
        assertThat(millisBehindLatest(CHILD_1)).hasValueSatisfying(gauge -> assertThat(gauge.getValue()).isEqualTo(500L));

        fetch();

        assertThat(millisBehindLatest(SHARD)).hasValueSatisfying(gauge -> assertThat(gauge.getValue()).isZero());
        assertThat(millisBehindLatest(CHILD_1)).hasValueSatisfying(gauge -> assertThat(gauge.getValue()).isEqualTo(500L));
    }

    @Test
    void aThrottledGetRecordsKeepsTheLastLagAndAClosedShardNoLongerReportsOne() {
        client.records(start(SHARD), "it-1", 3_000L, "1")
                .fails("it-1", ProvisionedThroughputExceededException.builder().message("Rate exceeded for shard").build())
                .records("it-1", null, 0L, "2");
        assign(new KinesisShardSplit(SHARD, null));

        fetch();
        fetch();

        assertThat(millisBehindLatest(SHARD)).hasValueSatisfying(gauge -> assertThat(gauge.getValue()).isEqualTo(3_000L));
        KinesisShardMetrics shardMetrics = reader.shardMetrics().get(SHARD);
        assertThat(shardMetrics.registered()).isTrue();

        Fetched last = fetch();

        assertThat(last.finished()).containsExactly(SHARD);
        assertThat(reader.shardMetrics()).isEmpty();
        assertThat(shardMetrics.registered()).isFalse();
    }
}
